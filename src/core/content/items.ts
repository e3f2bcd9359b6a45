/**
 * @module
 * Record use cases for the CMA. Every one takes the calling principal and asks the one access
 * decision about the record it touches (role content permission, then root-node scope). Lists
 * leave out what the caller may not read and count what is left, so neither a page nor a total
 * reveals records outside the caller's reach.
 */
import { ApiProblem, notFound } from '../errors.ts';
import type { Principal } from '../model.ts';
import type { Clock, Store } from '../ports.ts';
import { assertAllowed, creatorOf, denialFor, needsCreatorRoles, type CreatorRoles } from './access.ts';
import { linkedIds, validateValues } from './fields.ts';
import { afterEdit, published, unpublished } from './lifecycle.ts';
import type { ContentVersion, Creator, FieldValues, Item, ItemType } from './model.ts';
import type { ItemQuery } from './ports.ts';
import { auditEvent, type RequestContext } from '../audit.ts';

export interface ItemListQuery {
  readonly itemTypeIds?: readonly string[];
  readonly ids?: readonly string[];
  readonly parentId?: string | null;
  readonly version: ContentVersion;
  readonly offset: number;
  readonly limit: number;
}

export interface NewItemInput {
  readonly itemTypeId: string;
  readonly values: FieldValues;
  readonly parentId: string | null;
  readonly position?: number;
}

export interface ItemChange {
  /** A record keeps its model; naming another one is refused rather than silently ignored. */
  readonly itemTypeId?: string;
  readonly values?: FieldValues;
  readonly parentId?: string | null;
  readonly position?: number;
}

/** Loads the creator → role map only when some permission entry needs it (`on_creator: role`). */
export async function creatorRoles(store: Store, principal: Principal): Promise<CreatorRoles | undefined> {
  if (!needsCreatorRoles(principal.final)) return undefined;
  const [tokens, users] = await Promise.all([store.listTokens(), store.listUsers()]);
  const userRoles = new Map(users.map((u) => [u.id, u.roleId]));
  const tokenRoles = new Map(tokens.map((t) => [t.id, t.roleId ?? (t.userId ? (userRoles.get(t.userId) ?? null) : null)]));
  return (creator: Creator) =>
    creator.type === 'access_token' ? (tokenRoles.get(creator.id) ?? null) : creator.type === 'user' ? (userRoles.get(creator.id) ?? null) : null;
}

/** The SQL prefilter for root-node scope; the decision still judges every row. */
export function scopeQuery(principal: Principal): Pick<ItemQuery, 'withinIds'> {
  return principal.token.rootNodeIds.length > 0 ? { withinIds: principal.token.rootNodeIds } : {};
}

/**
 * The record use cases. Each write runs whole in one store transaction (its reads and checks, the
 * write, the audit entry), so a concurrent writer can never slip between a check and the write it
 * guards; reads run on the store directly.
 */
export function createItemService(deps: { store: Store; clock: Clock }) {
  const { store } = deps;
  const reads = itemUseCases(deps);
  const within = (tx: Store) => itemUseCases({ ...deps, store: tx });
  return {
    list: reads.list,
    find: reads.find,
    create: (principal: Principal | null, input: NewItemInput) => store.transaction((tx) => within(tx).create(principal, input)),
    update: (principal: Principal | null, id: string, change: ItemChange) => store.transaction((tx) => within(tx).update(principal, id, change)),
    destroy: (principal: Principal | null, id: string) => store.transaction((tx) => within(tx).destroy(principal, id)),
    publish: (principal: Principal | null, id: string, context: RequestContext) => store.transaction((tx) => within(tx).publish(principal, id, context)),
    unpublish: (principal: Principal | null, id: string, context: RequestContext) =>
      store.transaction((tx) => within(tx).unpublish(principal, id, context)),
  };
}

function itemUseCases(deps: { store: Store; clock: Clock }) {
  const { store, clock } = deps;
  const iso = () => new Date(clock.now()).toISOString();

  async function loadType(id: string, field = 'item_type'): Promise<ItemType> {
    const itemType = await store.findItemType(id);
    if (!itemType) throw new ApiProblem('INVALID_RELATIONSHIP', { field, message: `No item_type with id ${JSON.stringify(id)}` });
    return itemType;
  }
  async function loadItem(id: string): Promise<Item> {
    const item = await store.findItem(id);
    if (!item) throw notFound('item', id);
    return item;
  }
  async function checkLinks(itemType: ItemType, values: FieldValues): Promise<void> {
    for (const link of linkedIds(itemType.fields, values)) {
      if (!(await store.findItem(link.id))) {
        throw new ApiProblem('INVALID_FIELD', { field: link.field, code: 'VALIDATION_LINK', message: `No item with id ${link.id}` });
      }
    }
  }
  /** The parent a record may hang under: an existing item of a tree model, not inside `self`. */
  async function loadParent(parentId: string | null, selfId?: string): Promise<Item | null> {
    if (parentId === null) return null;
    const parent = await store.findItem(parentId);
    const problem = !parent
      ? `No item with id ${JSON.stringify(parentId)}`
      : selfId !== undefined && parent.pathIds.includes(selfId)
        ? 'An item cannot move under itself or its descendants'
        : !(await store.findItemType(parent.itemTypeId))?.tree
          ? 'The parent item is not of a tree model'
          : null;
    if (problem) throw new ApiProblem('INVALID_FIELD', { field: 'parent_id', code: 'VALIDATION_PARENT', message: problem });
    return parent;
  }

  return {
    async list(principal: Principal, query: ItemListQuery): Promise<{ items: Item[]; total: number }> {
      const [rows, roles] = await Promise.all([
        store.listItems({
          ...(query.itemTypeIds ? { itemTypeIds: query.itemTypeIds } : {}),
          ...(query.ids ? { ids: query.ids } : {}),
          ...(query.parentId !== undefined ? { parentId: query.parentId } : {}),
          ...scopeQuery(principal),
          publishedOnly: query.version === 'published',
        }),
        creatorRoles(store, principal),
      ]);
      const visible = rows.filter((item) => denialFor(principal, 'items.list', item, { roles }) === null);
      return { items: visible.slice(query.offset, query.offset + query.limit), total: visible.length };
    },

    async find(principal: Principal, id: string, version: ContentVersion = 'current'): Promise<Item> {
      const item = await loadItem(id);
      assertAllowed(principal, 'items.find', item, { roles: await creatorRoles(store, principal) });
      if (version === 'published' && item.published === null) throw notFound('item', id);
      return item;
    },

    async create(principal: Principal | null, input: NewItemInput): Promise<Item> {
      const itemType = await loadType(input.itemTypeId);
      const parent = await loadParent(input.parentId);
      const creator = creatorOf(principal);
      if (principal) assertAllowed(principal, 'items.create', { itemTypeId: itemType.id, creator, pathIds: parent?.pathIds ?? [] });
      const values = validateValues(itemType.fields, input.values, null);
      await checkLinks(itemType, values);
      const position = input.position ?? (await store.countItems({ parentId: input.parentId }));
      return store.createItem({ itemTypeId: itemType.id, parentId: input.parentId, position, current: values, creator, createdAt: iso() });
    },

    async update(principal: Principal | null, id: string, change: ItemChange): Promise<Item> {
      const item = await loadItem(id);
      const roles = principal ? await creatorRoles(store, principal) : undefined;
      if (principal) assertAllowed(principal, 'items.update', item, { roles });
      if (change.itemTypeId !== undefined && change.itemTypeId !== item.itemTypeId) {
        throw new ApiProblem('INVALID_FIELD', { field: 'item_type', code: 'ITEM_TYPE_CANNOT_BE_CHANGED', message: "A record's model cannot be changed" });
      }
      const itemType = await loadType(item.itemTypeId);
      const values = change.values ? validateValues(itemType.fields, change.values, item.current) : item.current;
      if (change.values) await checkLinks(itemType, values);
      const moving = change.parentId !== undefined && change.parentId !== item.parentId;
      if (moving) {
        const parent = await loadParent(change.parentId ?? null, id);
        // The new place must be in scope too: a token cannot move a record out of its subtree.
        if (principal) assertAllowed(principal, 'items.update', { ...item, pathIds: [...(parent?.pathIds ?? []), id] }, { roles });
      }
      return store.transaction(async (tx) => {
        const updated = await tx.updateItem(id, {
          ...(moving ? { parentId: change.parentId ?? null } : {}),
          ...(change.position !== undefined ? { position: change.position } : {}),
          ...(change.values ? afterEdit(item, values) : {}),
          updatedAt: iso(),
        });
        if (!updated) throw notFound('item', id);
        return updated;
      });
    },

    async destroy(principal: Principal | null, id: string): Promise<Item> {
      const item = await loadItem(id);
      if (principal) assertAllowed(principal, 'items.destroy', item, { roles: await creatorRoles(store, principal) });
      const children = await store.countItems({ parentId: id });
      if (children > 0) throw new ApiProblem('DELETE_RESTRICTION', { message: 'The item still has children', children });
      await store.deleteItem(id);
      return item;
    },

    async publish(principal: Principal | null, id: string, context: RequestContext): Promise<Item> {
      const item = await loadItem(id);
      if (principal) assertAllowed(principal, 'items.publish', item, { roles: await creatorRoles(store, principal) });
      const now = iso();
      return store.transaction(async (tx) => {
        const updated = (await tx.updateItem(id, { ...published(item, now), updatedAt: now })) ?? item;
        await tx.recordAuditEvent(auditEvent(context, now, 'item.publish', { type: 'item', id }, publication(item, updated)));
        return updated;
      });
    },

    async unpublish(principal: Principal | null, id: string, context: RequestContext): Promise<Item> {
      const item = await loadItem(id);
      if (principal) assertAllowed(principal, 'items.unpublish', item, { roles: await creatorRoles(store, principal) });
      const now = iso();
      return store.transaction(async (tx) => {
        const updated = (await tx.updateItem(id, { ...unpublished(item), updatedAt: now })) ?? item;
        await tx.recordAuditEvent(auditEvent(context, now, 'item.unpublish', { type: 'item', id }, publication(item, updated)));
        return updated;
      });
    },
  };
}

export type ItemService = ReturnType<typeof createItemService>;

/** What a publish or unpublish changed; the values themselves stay in the item's versions. */
const publication = (before: Item, after: Item): Record<string, unknown> => ({
  item_type_id: after.itemTypeId,
  status: { from: before.status, to: after.status },
  published_at: { from: before.publishedAt, to: after.publishedAt },
});
