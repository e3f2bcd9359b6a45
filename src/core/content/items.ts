/**
 * @module
 * Record use cases for the CMA. Every one takes the calling principal and asks the one access
 * decision about the record it touches (role content permission, then root-node scope). Lists
 * leave out what the caller may not read and count what is left, so neither a page nor a total
 * reveals records outside the caller's reach.
 *
 * Every write whose response carries the record (update, publish, unpublish, destroy) also needs
 * `read` on it, checked before anything changes: otherwise a write, even an empty one, would hand
 * out values a read refuses. A create answers with what the caller sent (a write-only ingest token
 * is a real use), never with anything else.
 */
import { ApiProblem, notFound } from '../errors.ts';
import type { Principal } from '../model.ts';
import type { Clock, Store } from '../ports.ts';
import { assertAllowed, assertPlacement, creatorOf, denialFor, needsCreatorRoles, type CreatorRoles } from './access.ts';
import { validateValues } from './fields.ts';
import { afterEdit, published, unpublished } from './lifecycle.ts';
import type { ContentVersion, Creator, FieldValues, Item, ItemType } from './model.ts';
import { readRule } from './read-rule.ts';
import { checkStoredConstraints } from './record-checks.ts';
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

/**
 * The creator → role lookup for one record, when some permission entry needs it (`on_creator:
 * role`): one indexed store lookup, never a load of every token and user.
 */
export async function creatorRoles(store: Store, principal: Principal, creator: Creator): Promise<CreatorRoles | undefined> {
  if (!needsCreatorRoles(principal.final)) return undefined;
  const role = await store.creatorRole(creator);
  return (asked: Creator) => (asked.type === creator.type && asked.id === creator.id ? role : null);
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
  /**
   * DatoCMS's draft mode: a model without it has no drafts, every save is what readers see. The
   * version state a save leaves, for `afterEdit`'s draft lifecycle or an immediate publication.
   */
  const saved = (itemType: ItemType, item: Pick<Item, 'published' | 'publishedAt'>, values: FieldValues, now: string) =>
    itemType.draftModeActive ? afterEdit(item, values) : published({ current: values }, now);
  /**
   * The parent a record may hang under: an existing item of a tree model, not inside `self`, and
   * for a root-node-scoped caller inside its subtrees. Scope is judged before anything else about
   * the parent, so a scoped caller learns nothing (existence, model) about items outside its reach.
   */
  async function loadParent(principal: Principal | null, parentId: string | null, selfId?: string): Promise<Item | null> {
    const parent = parentId === null ? null : await store.findItem(parentId);
    if (principal) assertPlacement(principal, parentId, parent);
    if (parentId === null) return null;
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
      // The database filters by the same read rule the single-record decision applies, so the page
      // and the total leave out exactly the records the caller may not read.
      const search = {
        rule: readRule(principal, 'items.list', { version: query.version }),
        version: query.version,
        ...(query.itemTypeIds ? { itemTypeIds: query.itemTypeIds } : {}),
        ...(query.ids ? { ids: query.ids } : {}),
        ...(query.parentId !== undefined ? { parentIds: [query.parentId] } : {}),
      };
      const [items, total] = await Promise.all([store.searchItems({ ...search, offset: query.offset, limit: query.limit }), store.countSearch(search)]);
      return { items, total };
    },

    async find(principal: Principal, id: string, version: ContentVersion = 'current'): Promise<Item> {
      const item = await loadItem(id);
      assertAllowed(principal, 'items.find', item, { roles: await creatorRoles(store, principal, item.creator) });
      if (version === 'published' && item.published === null) throw notFound('item', id);
      return item;
    },

    async create(principal: Principal | null, input: NewItemInput): Promise<Item> {
      const itemType = await loadType(input.itemTypeId);
      const parent = await loadParent(principal, input.parentId);
      const creator = creatorOf(principal);
      if (principal) assertAllowed(principal, 'items.create', { itemTypeId: itemType.id, creator, pathIds: parent?.pathIds ?? [] });
      const values = validateValues(itemType.fields, input.values, null);
      await checkStoredConstraints(store, itemType, values, null);
      const position = input.position ?? (await store.countItems({ parentId: input.parentId }));
      const now = iso();
      // Without draft mode the record is published as it is created: one save, one version.
      const created = await store.createItem({ itemTypeId: itemType.id, parentId: input.parentId, position, current: values, creator, createdAt: now, published: !itemType.draftModeActive });
      if (!principal || denialFor(principal, 'items.find', created) === null) return created;
      // A caller that may create but not read the record gets back only the values it sent.
      return { ...created, current: sentOnly(created.current, input.values), published: null };
    },

    async update(principal: Principal | null, id: string, change: ItemChange): Promise<Item> {
      const item = await loadItem(id);
      const roles = principal ? await creatorRoles(store, principal, item.creator) : undefined;
      if (principal) assertMayWrite(principal, 'items.update', item, roles);
      if (change.itemTypeId !== undefined && change.itemTypeId !== item.itemTypeId) {
        throw new ApiProblem('INVALID_FIELD', { field: 'item_type', code: 'ITEM_TYPE_CANNOT_BE_CHANGED', message: "A record's model cannot be changed" });
      }
      const itemType = await loadType(item.itemTypeId);
      const values = change.values ? validateValues(itemType.fields, change.values, item.current) : item.current;
      if (change.values) await checkStoredConstraints(store, itemType, values, id);
      const moving = change.parentId !== undefined && change.parentId !== item.parentId;
      // The new parent must lie in scope too: a scoped token can neither move a record (its root
      // included) out of its subtrees nor make it a website.
      if (moving) await loadParent(principal, change.parentId ?? null, id);
      return store.transaction(async (tx) => {
        const now = iso();
        const updated = await tx.updateItem(id, {
          ...(moving ? { parentId: change.parentId ?? null } : {}),
          ...(change.position !== undefined ? { position: change.position } : {}),
          ...(change.values || !itemType.draftModeActive ? saved(itemType, item, values, now) : {}),
          updatedAt: now,
        });
        if (!updated) throw notFound('item', id);
        return updated;
      });
    },

    async destroy(principal: Principal | null, id: string): Promise<Item> {
      const item = await loadItem(id);
      if (principal) assertMayWrite(principal, 'items.destroy', item, await creatorRoles(store, principal, item.creator));
      const children = await store.countItems({ parentId: id });
      if (children > 0) throw new ApiProblem('DELETE_RESTRICTION', { message: 'The item still has children', children });
      await store.deleteItem(id);
      return item;
    },

    async publish(principal: Principal | null, id: string, context: RequestContext): Promise<Item> {
      const item = await loadItem(id);
      if (principal) assertMayWrite(principal, 'items.publish', item, await creatorRoles(store, principal, item.creator));
      const now = iso();
      return store.transaction(async (tx) => {
        const updated = (await tx.updateItem(id, { ...published(item, now), updatedAt: now })) ?? item;
        await tx.recordAuditEvent(auditEvent(context, now, 'item.publish', { type: 'item', id }, publication(item, updated)));
        return updated;
      });
    },

    async unpublish(principal: Principal | null, id: string, context: RequestContext): Promise<Item> {
      const item = await loadItem(id);
      if (principal) assertMayWrite(principal, 'items.unpublish', item, await creatorRoles(store, principal, item.creator));
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

/**
 * The write itself, then `read`: the response carries every value of the record, so a caller that
 * may not read it must not get them through a write. Both before anything changes.
 */
function assertMayWrite(principal: Principal, endpoint: 'items.update' | 'items.destroy' | 'items.publish' | 'items.unpublish', item: Item, roles: CreatorRoles | undefined): void {
  assertAllowed(principal, endpoint, item, { roles });
  assertAllowed(principal, 'items.find', item, { roles });
}

/** The values of the fields the caller sent (as stored, i.e. normalised); nothing else. */
function sentOnly(values: FieldValues, sent: FieldValues): FieldValues {
  return Object.fromEntries(Object.entries(values).filter(([key]) => Object.hasOwn(sent, key)));
}

/** What a publish or unpublish changed; the values themselves stay in the item's versions. */
const publication = (before: Item, after: Item): Record<string, unknown> => ({
  item_type_id: after.itemTypeId,
  status: { from: before.status, to: after.status },
  published_at: { from: before.publishedAt, to: after.publishedAt },
});
