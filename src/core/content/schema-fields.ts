/**
 * @module
 * Field use cases: a model's fields as a resource of their own, as DatoCMS has them. Every write
 * runs in one store transaction with its audit entry and whatever it does to the records: removing
 * a field clears its values, renaming one moves them, so a record never holds a value under a key
 * its model does not have. Each field write announces a schema change (the store does), so the
 * delivery schema follows on the next request on every instance.
 */
import { ApiProblem, notFound } from '../errors.ts';
import type { Clock, Store } from '../ports.ts';
import { auditEvent, diff, type AuditAction, type RequestContext } from '../audit.ts';
import { checkField, type FieldInput } from './fields.ts';
import { FIELD_REFS, type FieldDefinition, type ItemType, type NewField } from './model.ts';
import type { ValidatorContext } from './validators.ts';

export interface FieldOfModel {
  readonly field: FieldDefinition;
  readonly itemType: ItemType;
}

/** What a field's validators may name: every model, and this model's fields by id. */
export async function validatorContext(store: Store, itemTypeId: string): Promise<ValidatorContext> {
  const types = await store.listItemTypes();
  const self = types.find((t) => t.id === itemTypeId);
  return { itemTypeIds: new Set(types.map((t) => t.id)), fields: new Map((self?.fields ?? []).map((f) => [f.id, f.field_type])) };
}

/** What the model and field use cases need. */
export interface SchemaDeps {
  readonly store: Store;
  readonly clock: Clock;
}

export async function listFields(deps: SchemaDeps, itemTypeIdOrApiKey: string): Promise<FieldOfModel[]> {
  const itemType = await model(deps.store, itemTypeIdOrApiKey);
  return itemType.fields.map((field) => ({ field, itemType }));
}

/** By id, or as DatoCMS also accepts, `model_api_key::field_api_key`. */
export function findField(deps: SchemaDeps, idOrRef: string): Promise<FieldOfModel> {
  return find(deps.store, idOrRef);
}

// Every write runs whole in one store transaction, its checks included.

/** New fields go last; a given position moves the fields from there on one down. */
export function createField(deps: SchemaDeps, itemTypeIdOrApiKey: string, input: FieldInput, context: RequestContext): Promise<FieldOfModel> {
  return deps.store.transaction(async (store) => {
    const itemType = await model(store, itemTypeIdOrApiKey);
    const position = clamp(input.position, itemType.fields.length + 1);
    const field = checkField(input, position, await validatorContext(store, itemType.id));
    checkUniqueKey(itemType, field.api_key, null);
    return audited(store, deps.clock, context, 'field.create', itemType, async (tx) => {
      const created = await tx.createField(itemType.id, field);
      const ordered = [...itemType.fields];
      ordered.splice(position - 1, 0, created);
      await renumber(tx, ordered);
      return { result: await reloaded(tx, itemType.id, created.id), changes: { field_id: created.id, ...snapshot(created) } };
    });
  });
}

export function updateField(
  deps: SchemaDeps,
  idOrRef: string,
  change: (current: FieldDefinition) => FieldInput,
  context: RequestContext,
): Promise<FieldOfModel> {
  return deps.store.transaction(async (store) => {
    const { field: current, itemType } = await find(store, idOrRef);
    const input = change(current);
    const position = clamp(input.position ?? current.position, itemType.fields.length);
    // A link field stored before validators existed points at any model; it may stay so while its type does.
    const anyModel = input.field_type === current.field_type && !current.validators.item_item_type && !current.validators.items_item_type;
    const next = checkField(input, position, await validatorContext(store, itemType.id), '', anyModel);
    checkUniqueKey(itemType, next.api_key, current.id);
    return audited(store, deps.clock, context, 'field.update', itemType, async (tx) => {
      // The records follow the field's api_key, so no value is stranded under the old one. A type
      // change keeps the values: those that do not fit the new type read as null.
      if (next.api_key !== current.api_key) await tx.renameFieldValues(itemType.id, current.api_key, next.api_key);
      const updated = await tx.updateField(current.id, next);
      if (!updated) throw notFound('field', idOrRef);
      if (position !== current.position) {
        const ordered = itemType.fields.filter((f) => f.id !== current.id);
        ordered.splice(position - 1, 0, updated);
        await renumber(tx, ordered);
      }
      return { result: await reloaded(tx, itemType.id, current.id), changes: { field_id: current.id, ...diff(snapshot(current), snapshot(next)) } };
    });
  });
}

/** Removes the field, its values from every record, and whatever in the model named it. */
export function destroyField(deps: SchemaDeps, idOrRef: string, context: RequestContext): Promise<FieldOfModel> {
  return deps.store.transaction(async (store) => {
    const { field, itemType } = await find(store, idOrRef);
    return audited(store, deps.clock, context, 'field.destroy', itemType, async (tx) => {
      await tx.clearFieldValues(itemType.id, field.api_key);
      await tx.deleteField(field.id);
      const rest = itemType.fields.filter((f) => f.id !== field.id);
      for (const other of rest) {
        if (other.validators.slug_title_field?.title_field_id === field.id) {
          const { slug_title_field: _gone, ...validators } = other.validators;
          await tx.updateField(other.id, { ...withoutId(other), validators });
        }
      }
      await renumber(tx, (await tx.findItemType(itemType.id))?.fields ?? []);
      if (FIELD_REFS.some((r) => itemType.fieldRefs[r] === field.id)) {
        const fieldRefs = Object.fromEntries(
          FIELD_REFS.map((r) => [r, itemType.fieldRefs[r] === field.id ? null : itemType.fieldRefs[r]]),
        ) as ItemType['fieldRefs'];
        await tx.updateItemType(itemType.id, { ...itemType, fieldRefs }, iso(deps.clock));
      }
      return { result: { field, itemType }, changes: { field_id: field.id, ...snapshot(field) } };
    });
  });
}

const iso = (clock: Clock): string => new Date(clock.now()).toISOString();

async function model(store: Store, idOrApiKey: string): Promise<ItemType> {
  const itemType = (await store.listItemTypes()).find((t) => t.id === idOrApiKey || t.apiKey === idOrApiKey);
  if (!itemType) throw notFound('item_type', idOrApiKey);
  return itemType;
}

async function find(store: Store, idOrRef: string): Promise<FieldOfModel> {
  const types = await store.listItemTypes();
  const [modelKey, fieldKey] = idOrRef.split('::');
  for (const itemType of types) {
    const field =
      fieldKey === undefined
        ? itemType.fields.find((f) => f.id === idOrRef)
        : itemType.apiKey === modelKey
          ? itemType.fields.find((f) => f.api_key === fieldKey)
          : undefined;
    if (field) return { field, itemType };
  }
  throw notFound('field', idOrRef);
}

function checkUniqueKey(itemType: ItemType, apiKey: string, selfId: string | null): void {
  if (itemType.fields.some((f) => f.api_key === apiKey && f.id !== selfId)) {
    throw new ApiProblem('INVALID_FIELD', {
      field: 'api_key',
      code: 'VALIDATION_UNIQUENESS',
      message: `The model ${itemType.apiKey} already has a field ${apiKey}`,
    });
  }
}

/** Positions 1…n in the given order: only the fields whose position changed are written. */
async function renumber(tx: Store, ordered: readonly FieldDefinition[]): Promise<void> {
  for (const [index, field] of ordered.entries()) {
    if (field.position !== index + 1) await tx.updateField(field.id, { ...withoutId(field), position: index + 1 });
  }
}

/** A wanted position clamped to 1…count (a position past the end means last). */
const clamp = (position: number | undefined, count: number) => Math.min(Math.max(position ?? count, 1), count);

async function audited<T>(
  store: Store,
  clock: Clock,
  context: RequestContext,
  action: AuditAction,
  itemType: ItemType,
  write: (tx: Store) => Promise<{ result: T; changes: Record<string, unknown> }>,
): Promise<T> {
  return store.transaction(async (tx) => {
    const { result, changes } = await write(tx);
    await tx.recordAuditEvent(auditEvent(context, iso(clock), action, { type: 'item_type', id: itemType.id }, changes));
    return result;
  });
}

async function reloaded(tx: Store, itemTypeId: string, fieldId: string): Promise<FieldOfModel> {
  const itemType = await tx.findItemType(itemTypeId);
  const field = itemType?.fields.find((f) => f.id === fieldId);
  if (!itemType || !field) throw notFound('field', fieldId);
  return { itemType, field };
}

function withoutId(field: FieldDefinition): NewField {
  const { id: _id, ...rest } = field;
  return rest;
}

const snapshot = (f: NewField): Record<string, unknown> => ({
  api_key: f.api_key,
  label: f.label,
  field_type: f.field_type,
  validators: f.validators,
  position: f.position,
  hint: f.hint,
  default_value: f.default_value,
});
