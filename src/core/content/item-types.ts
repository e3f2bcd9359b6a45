/**
 * @module
 * Schema use cases: item types (models). Their fields are use cases of their own (`schema-fields.ts`).
 * The role flag `can_edit_schema` and the permission strings are checked by the access decision
 * before these run.
 */
import { ApiProblem, notFound } from '../errors.ts';
import type { Clock } from '../ports.ts';
import type { Store } from '../ports.ts';
import { checkField, isApiKey, type FieldInput } from './fields.ts';
import { DEFAULT_SETTINGS, FIELD_REFS, NO_FIELD_REFS, type FieldDefinition, type FieldRefs, type ItemType } from './model.ts';
import { claimedNames } from './naming.ts';
import type { NewItemType } from './ports.ts';
import { validatorContext, type SchemaDeps } from './schema-fields.ts';
import { auditEvent, diff, type AuditAction, type RequestContext } from '../audit.ts';

/**
 * A new model; `fields` is Latchkey's convenience of declaring the fields with the model (DatoCMS's
 * client adds them one by one with `fields.create`).
 */
export interface ItemTypeInput extends NewItemType {
  readonly fields?: readonly FieldInput[];
}

/** A model input with DatoCMS's defaults for whatever is not given (draft mode off). */
export function itemTypeInput(given: Pick<ItemTypeInput, 'name' | 'apiKey'> & Partial<ItemTypeInput>): ItemTypeInput {
  return { tree: false, draftModeActive: false, singleton: false, settings: DEFAULT_SETTINGS, fieldRefs: NO_FIELD_REFS, ...given };
}

export function listItemTypes(deps: SchemaDeps): Promise<ItemType[]> {
  return deps.store.listItemTypes();
}

/** By id or by api_key, as DatoCMS accepts both. */
export async function resolveItemType(deps: SchemaDeps, idOrApiKey: string): Promise<ItemType | null> {
  return resolve(deps.store, idOrApiKey);
}

export function findItemType(deps: SchemaDeps, idOrApiKey: string): Promise<ItemType> {
  return load(deps.store, idOrApiKey);
}

/** DatoCMS's `has_singleton_item`: a singleton model whose one record exists. */
export async function hasSingletonItem(deps: SchemaDeps, itemType: ItemType): Promise<boolean> {
  return itemType.singleton && (await deps.store.countItems({ itemTypeIds: [itemType.id] })) > 0;
}

// Each write runs whole in one store transaction: the api_key clash check, the write and its audit
// entry, so two concurrent writes cannot both pass the check.

export function createItemType(deps: SchemaDeps, input: ItemTypeInput, context: RequestContext): Promise<ItemType> {
  return deps.store.transaction(async (store) => {
    await checkApiKey(store, input.apiKey);
    // A new model has no fields yet for its relationships to name (DatoCMS sets them by update).
    checkFieldRefs(input.fieldRefs, []);
    return audited(store, deps.clock, context, 'item_type.create', async (tx) => {
      const created = await tx.createItemType(input, iso(deps.clock));
      const context = await validatorContext(tx, created.id);
      const seen = new Set<string>();
      for (const [index, field] of (input.fields ?? []).entries()) {
        const checked = checkField(field, index + 1, { ...context, fields: new Map() }, `fields/${index}/`);
        if (seen.has(checked.api_key))
          throw new ApiProblem('INVALID_FIELD', {
            field: `fields/${index}/api_key`,
            code: 'VALIDATION_UNIQUENESS',
            message: `Two fields are named ${checked.api_key}`,
          });
        seen.add(checked.api_key);
        await tx.createField(created.id, checked);
      }
      const itemType = await reload(tx, created.id);
      return { itemType, changes: snapshot(itemType) };
    });
  });
}

export function updateItemType(deps: SchemaDeps, id: string, change: (current: ItemType) => NewItemType, context: RequestContext): Promise<ItemType> {
  return deps.store.transaction(async (store) => {
    const current = await load(store, id);
    const next = change(current);
    await checkApiKey(store, next.apiKey, current.id);
    checkFieldRefs(next.fieldRefs, current.fields);
    if (next.singleton && !current.singleton && (await store.countItems({ itemTypeIds: [current.id] })) > 1) {
      throw new ApiProblem('INVALID_FIELD', {
        field: 'singleton',
        code: 'VALIDATION_SINGLETON',
        message: 'The model has more than one record, so it cannot be a singleton',
      });
    }
    return audited(store, deps.clock, context, 'item_type.update', async (tx) => {
      const updated = await tx.updateItemType(current.id, next, iso(deps.clock));
      if (!updated) throw notFound('item_type', id);
      return { itemType: updated, changes: diff(snapshot(current), snapshot(updated)) };
    });
  });
}

/** DatoCMS's duplicate: the model and its fields under `<api_key>_copy` (then `_copy2`, …), named "… (copy)"; no records. */
export function duplicateItemType(deps: SchemaDeps, id: string, context: RequestContext): Promise<ItemType> {
  return deps.store.transaction(async (store) => {
    const source = await load(store, id);
    let apiKey = `${source.apiKey}_copy`;
    for (let n = 2; (await clashing(store, apiKey)) !== undefined; n++) apiKey = `${source.apiKey}_copy${n}`;
    await checkApiKey(store, apiKey);
    return audited(store, deps.clock, context, 'item_type.duplicate', async (tx) => {
      const copy = await tx.createItemType({ ...source, name: `${source.name} (copy)`, apiKey, fieldRefs: NO_FIELD_REFS }, iso(deps.clock));
      const ids = new Map<string, string>();
      for (const field of source.fields) {
        const { id: _old, ...rest } = field;
        ids.set(field.id, (await tx.createField(copy.id, rest)).id);
      }
      // Validators and relationships that name the source's fields name the copy's.
      for (const field of (await reload(tx, copy.id)).fields) {
        const titleField = field.validators.slug_title_field?.title_field_id;
        if (typeof titleField === 'string' && ids.has(titleField)) {
          await tx.updateField(field.id, { ...field, validators: { ...field.validators, slug_title_field: { title_field_id: ids.get(titleField) } } });
        }
      }
      const refs = Object.fromEntries(FIELD_REFS.map((r) => [r, source.fieldRefs[r] === null ? null : (ids.get(source.fieldRefs[r]!) ?? null)])) as FieldRefs;
      const itemType = (await tx.updateItemType(copy.id, { ...copy, fieldRefs: refs }, iso(deps.clock))) ?? copy;
      return { itemType, changes: { ...snapshot(itemType), duplicate_of: source.id } };
    });
  });
}

export function destroyItemType(deps: SchemaDeps, id: string, context: RequestContext): Promise<ItemType> {
  return deps.store.transaction(async (store) => {
    const itemType = await load(store, id);
    const items = await store.countItems({ itemTypeIds: [itemType.id] });
    if (items > 0) throw new ApiProblem('DELETE_RESTRICTION', { message: 'The model still has records', items });
    return audited(store, deps.clock, context, 'item_type.destroy', async (tx) => {
      await tx.deleteItemType(itemType.id);
      return { itemType, changes: snapshot(itemType) };
    });
  });
}

const iso = (clock: Clock): string => new Date(clock.now()).toISOString();

async function resolve(store: Store, idOrApiKey: string): Promise<ItemType | null> {
  const all = await store.listItemTypes();
  return all.find((t) => t.id === idOrApiKey || t.apiKey === idOrApiKey) ?? null;
}

async function load(store: Store, idOrApiKey: string): Promise<ItemType> {
  const itemType = await resolve(store, idOrApiKey);
  if (!itemType) throw notFound('item_type', idOrApiKey);
  return itemType;
}

async function checkApiKey(store: Store, apiKey: string, selfId?: string): Promise<void> {
  if (!isApiKey(apiKey)) {
    throw new ApiProblem('INVALID_FIELD', {
      field: 'api_key',
      code: 'VALIDATION_FORMAT',
      message: `${JSON.stringify(apiKey)} is not a usable api_key (snake_case words starting with a letter)`,
    });
  }
  const clash = await clashing(store, apiKey, selfId);
  if (clash) {
    throw new ApiProblem('INVALID_FIELD', {
      field: 'api_key',
      code: 'VALIDATION_UNIQUENESS',
      message: `The api_key ${JSON.stringify(apiKey)} clashes with the model ${JSON.stringify(clash.apiKey)}`,
    });
  }
}

/** The model whose api_key (or a GraphQL name derived from it) `apiKey` would collide with. */
async function clashing(store: Store, apiKey: string, selfId?: string): Promise<ItemType | undefined> {
  const mine = new Set(claimedNames(apiKey));
  return (await store.listItemTypes()).find((other) => other.id !== selfId && (other.apiKey === apiKey || claimedNames(other.apiKey).some((n) => mine.has(n))));
}

/** The model's field relationships must name its own fields (or be null). */
function checkFieldRefs(refs: FieldRefs, fields: readonly FieldDefinition[]): void {
  for (const ref of FIELD_REFS) {
    const id = refs[ref];
    if (id !== null && !fields.some((f) => f.id === id)) {
      throw new ApiProblem('INVALID_RELATIONSHIP', { field: ref, message: `No field with id ${JSON.stringify(id)} in this model` });
    }
  }
}

/** The write and its audit entry commit together. */
function audited(
  store: Store,
  clock: Clock,
  context: RequestContext,
  action: AuditAction,
  write: (tx: Store) => Promise<{ itemType: ItemType; changes: Record<string, unknown> }>,
): Promise<ItemType> {
  return store.transaction(async (tx) => {
    const { itemType, changes } = await write(tx);
    await tx.recordAuditEvent(auditEvent(context, iso(clock), action, { type: 'item_type', id: itemType.id }, changes));
    return itemType;
  });
}

async function reload(tx: Store, id: string): Promise<ItemType> {
  const itemType = await tx.findItemType(id);
  if (!itemType) throw notFound('item_type', id);
  return itemType;
}

const snapshot = (t: ItemType): Record<string, unknown> => ({
  name: t.name,
  api_key: t.apiKey,
  fields: t.fields.map((f) => f.api_key),
  tree: t.tree,
  draft_mode_active: t.draftModeActive,
  singleton: t.singleton,
  ...t.settings,
  ...t.fieldRefs,
});
