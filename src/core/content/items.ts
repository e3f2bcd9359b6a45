/**
 * @module
 * Record use cases for the CMA: the reads here, the writes in `item-writes.ts`, the bulk operations
 * and their job results in `item-bulk.ts`. Every one takes the calling principal and asks the one
 * access decision about the record it touches (role content permission, then root-node scope).
 * Lists leave out what the caller may not read and count what is left, so neither a page nor a
 * total reveals records outside the caller's reach.
 *
 * Every write whose response carries the record (update, publish, unpublish, destroy) also needs
 * `read` on it, checked before anything changes: otherwise a write, even an empty one, would hand
 * out values a read refuses. A create answers with what the caller sent (a write-only ingest token
 * is a real use), never with anything else.
 */
import { ApiProblem, notFound } from '../errors.ts';
import type { Principal } from '../model.ts';
import type { Clock, Store } from '../ports.ts';
import type { RandomBytes } from '../secret.ts';
import { assertAllowed, needsCreatorRoles, type CreatorRoles } from './access.ts';
import { validateValues } from './fields.ts';
import type { ContentVersion, Creator, FieldValues, Item, ItemType } from './model.ts';
import type { Condition, ItemSearch, OrderKey } from './query.ts';
import { readRule } from './read-rule.ts';

/**
 * What the record use cases need; built once by the composition root. `random` mints job-result
 * ids (default: the system's random bytes).
 */
export interface ItemDeps {
  readonly store: Store;
  readonly clock: Clock;
  readonly random?: RandomBytes;
}

export interface ItemListQuery {
  readonly itemTypeIds?: readonly string[];
  readonly ids?: readonly string[];
  readonly parentId?: string | null;
  /** Conditions on system and field values of the version read. */
  readonly where?: Condition;
  /** Default: creation order. */
  readonly orderBy?: readonly OrderKey[];
  readonly version: ContentVersion;
  readonly offset: number;
  readonly limit: number;
}

/** Which version of the referring records `references` reads (DatoCMS's `version` parameter). */
export type ReferenceVersion = ContentVersion | 'published-or-current';

/**
 * Whether values satisfy the model's field definitions as they are today (DatoCMS's
 * `meta.is_valid`): a field added as required since, or a value whose type no longer fits,
 * makes a record invalid until it is edited.
 */
export function satisfiesModel(itemType: ItemType, values: FieldValues | null): boolean {
  if (values === null) return false;
  try {
    validateValues(itemType.fields, {}, values);
    return true;
  } catch (error) {
    if (error instanceof ApiProblem) return false;
    throw error;
  }
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

/** The record `id`, or not found; no access decision (the use cases ask it). */
export async function loadItem(store: Store, id: string): Promise<Item> {
  const item = await store.findItem(id);
  if (!item) throw notFound('item', id);
  return item;
}

// Reads run on the store directly; each write runs whole in one store transaction.

/** One record as the caller may read it; `published` only when it has a published version. */
export async function findItem(deps: ItemDeps, principal: Principal, id: string, version: ContentVersion = 'current'): Promise<Item> {
  const item = await loadItem(deps.store, id);
  assertAllowed(principal, 'items.find', item, { roles: await creatorRoles(deps.store, principal, item.creator) });
  if (version === 'published' && item.published === null) throw notFound('item', id);
  return item;
}

/** One page of the records the caller may read, and how many of them match in all. */
export async function listItemPage(deps: ItemDeps, principal: Principal, query: ItemListQuery): Promise<{ items: Item[]; total: number }> {
  // The database filters by the same read rule the single-record decision applies, so the page
  // and the total leave out exactly the records the caller may not read.
  const search = {
    rule: readRule(principal, 'items.list', { version: query.version }),
    version: query.version,
    ...(query.itemTypeIds ? { itemTypeIds: query.itemTypeIds } : {}),
    ...(query.ids ? { ids: query.ids } : {}),
    ...(query.parentId !== undefined ? { parentIds: [query.parentId] } : {}),
    ...(query.where ? { where: query.where } : {}),
  };
  const page = { ...search, ...(query.orderBy && query.orderBy.length > 0 ? { orderBy: query.orderBy } : {}), offset: query.offset, limit: query.limit };
  const [items, total] = await Promise.all([deps.store.searchItems(page), deps.store.countSearch(search)]);
  return { items, total };
}

/**
 * The records whose `link` or `links` fields point to the record `id` (which the caller must
 * be able to read), in creation order, under the caller's read rule; `published` looks at
 * the published versions, `published-or-current` at either.
 */
export async function itemReferences(deps: ItemDeps, principal: Principal, id: string, version: ReferenceVersion = 'current'): Promise<Item[]> {
  const { store } = deps;
  const target = await loadItem(store, id);
  assertAllowed(principal, 'items.find', target, { roles: await creatorRoles(store, principal, target.creator) });
  const models = (await store.listItemTypes()).flatMap((itemType) => {
    const links = itemType.fields.filter((f) => f.field_type === 'link' || f.field_type === 'links');
    if (links.length === 0) return [];
    const tests: Condition[] = links.map((f) => ({
      kind: 'test',
      ref: { kind: 'field', apiKey: f.api_key, fieldType: f.field_type },
      op: f.field_type === 'link' ? 'eq' : 'anyIn',
      arg: f.field_type === 'link' ? id : [id],
    }));
    return [
      {
        kind: 'and' as const,
        conditions: [
          { kind: 'itemTypes' as const, ids: [itemType.id] },
          { kind: 'or' as const, conditions: tests },
        ],
      },
    ];
  });
  if (models.length === 0) return [];
  const where: Condition = { kind: 'or', conditions: models };
  const search = (v: ContentVersion): ItemSearch => ({ rule: readRule(principal, 'items.list', { version: v }), version: v, where });
  if (version !== 'published-or-current') return store.searchItems(search(version));
  const [current, publishedOnes] = await Promise.all([store.searchItems(search('current')), store.searchItems(search('published'))]);
  const byId = new Map([...current, ...publishedOnes].map((item) => [item.id, item]));
  return [...byId.values()].sort((a, b) => Number(a.id) - Number(b.id));
}
