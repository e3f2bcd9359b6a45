/**
 * @module
 * Schema use cases: item types (models) and their fields. The role flag `can_edit_schema` and the
 * permission strings are checked by the access decision before these run.
 */
import { ApiProblem, notFound } from '../errors.ts';
import type { Clock } from '../ports.ts';
import type { Store } from '../ports.ts';
import { isApiKey, validateFieldDefinitions } from './fields.ts';
import type { ItemType } from './model.ts';
import { claimedNames } from './naming.ts';
import type { NewItemType } from './ports.ts';
import { auditEvent, diff, type AuditAction, type RequestContext } from '../audit.ts';

/**
 * Each write runs whole in one store transaction: the api_key clash check, the write and its audit
 * entry, so two concurrent writes cannot both pass the check.
 */
export function createItemTypeService(deps: { store: Store; clock: Clock }) {
  const { store } = deps;
  const reads = itemTypeUseCases(deps);
  const within = (tx: Store) => itemTypeUseCases({ ...deps, store: tx });
  return {
    list: reads.list,
    find: reads.find,
    resolve: reads.resolve,
    create: (input: NewItemType, context: RequestContext) => store.transaction((tx) => within(tx).create(input, context)),
    update: (id: string, change: (current: ItemType) => NewItemType, context: RequestContext) =>
      store.transaction((tx) => within(tx).update(id, change, context)),
    destroy: (id: string, context: RequestContext) => store.transaction((tx) => within(tx).destroy(id, context)),
  };
}

function itemTypeUseCases(deps: { store: Store; clock: Clock }) {
  const { store, clock } = deps;
  const iso = () => new Date(clock.now()).toISOString();

  async function load(id: string): Promise<ItemType> {
    const itemType = await store.findItemType(id);
    if (!itemType) throw notFound('item_type', id);
    return itemType;
  }

  async function validate(next: NewItemType, selfId?: string): Promise<void> {
    if (!isApiKey(next.apiKey)) {
      throw new ApiProblem('INVALID_FIELD', {
        field: 'api_key',
        code: 'VALIDATION_FORMAT',
        message: `${JSON.stringify(next.apiKey)} is not a usable api_key (snake_case words starting with a letter)`,
      });
    }
    validateFieldDefinitions(next.fields);
    const mine = new Set(claimedNames(next.apiKey));
    for (const other of await store.listItemTypes()) {
      if (other.id === selfId) continue;
      if (other.apiKey === next.apiKey || claimedNames(other.apiKey).some((n) => mine.has(n))) {
        throw new ApiProblem('INVALID_FIELD', {
          field: 'api_key',
          code: 'VALIDATION_UNIQUENESS',
          message: `The api_key ${JSON.stringify(next.apiKey)} clashes with the model ${JSON.stringify(other.apiKey)}`,
        });
      }
    }
  }

  /** The write and its audit entry commit together. */
  const audited = (context: RequestContext, action: AuditAction, write: (tx: Store) => Promise<{ itemType: ItemType; changes: Record<string, unknown> }>) =>
    store.transaction(async (tx) => {
      const { itemType, changes } = await write(tx);
      await tx.recordAuditEvent(auditEvent(context, iso(), action, { type: 'item_type', id: itemType.id }, changes));
      return itemType;
    });

  return {
    list: () => store.listItemTypes(),
    find: load,
    /** By id or by api_key, as DatoCMS accepts both. */
    async resolve(idOrApiKey: string): Promise<ItemType | null> {
      const all = await store.listItemTypes();
      return all.find((t) => t.id === idOrApiKey || t.apiKey === idOrApiKey) ?? null;
    },
    async create(input: NewItemType, context: RequestContext): Promise<ItemType> {
      await validate(input);
      return audited(context, 'item_type.create', async (tx) => {
        const itemType = await tx.createItemType(input, iso());
        return { itemType, changes: snapshot(itemType) };
      });
    },
    async update(id: string, change: (current: ItemType) => NewItemType, context: RequestContext): Promise<ItemType> {
      const current = await load(id);
      const next = change(current);
      await validate(next, id);
      return audited(context, 'item_type.update', async (tx) => {
        const updated = await tx.updateItemType(id, next, iso());
        if (!updated) throw notFound('item_type', id);
        return { itemType: updated, changes: diff(snapshot(current), snapshot(updated)) };
      });
    },
    async destroy(id: string, context: RequestContext): Promise<ItemType> {
      const itemType = await load(id);
      const items = await store.countItems({ itemTypeIds: [id] });
      if (items > 0) throw new ApiProblem('DELETE_RESTRICTION', { message: 'The model still has records', items });
      return audited(context, 'item_type.destroy', async (tx) => {
        await tx.deleteItemType(id);
        return { itemType, changes: snapshot(itemType) };
      });
    },
  };
}

export type ItemTypeService = ReturnType<typeof createItemTypeService>;

const snapshot = (t: ItemType): Record<string, unknown> => ({ name: t.name, api_key: t.apiKey, fields: t.fields, tree: t.tree });
