/**
 * @module
 * What the Content Delivery API reads, for one request: the published version of each record (the
 * current one with drafts), limited to what the caller may read. Lists, counts and traversals hand
 * the one read rule to the store, which filters, orders and paginates in SQL; a single record
 * asked for by id goes through the per-record decision, which names the layer that refused. The
 * GraphQL resolvers only ask this reader; they never decide. Traversals (`parent`, links,
 * `children`) asked for in the same tick are batched into one query each and memoised for the
 * request, so a page of records costs a few queries, not one per record.
 */
import type { Principal } from '../model.ts';
import type { Store } from '../ports.ts';
import { denialFor, denialProblem } from './access.ts';
import { creatorRoles } from './items.ts';
import { versionOf } from './lifecycle.ts';
import type { FieldValues, Item } from './model.ts';
import type { Condition, ItemSearch, OrderKey } from './query.ts';
import { readRule } from './read-rule.ts';

/** A record as a reader sees it: the item and the version of its values it may read. */
export interface DeliveredRecord {
  readonly item: Item;
  readonly values: FieldValues;
}

export interface PageRequest {
  readonly where?: Condition;
  readonly orderBy?: readonly OrderKey[];
  readonly offset: number;
  readonly limit: number;
}

/** Keys per batched query: far below either database's parameter limit. */
const BATCH = 1_000;

/** Collects the keys asked for within one tick and loads them with one call per {@link BATCH}. */
function batched<V>(load: (keys: string[]) => Promise<Map<string, V>>, missing: V): (key: string) => Promise<V> {
  type Entry = { key: string; resolve: (v: V) => void; reject: (e: unknown) => void };
  const memo = new Map<string, Promise<V>>();
  const pending: { queue: Entry[] | null } = { queue: null };
  const flush = async (entries: Entry[]) => {
    for (let i = 0; i < entries.length; i += BATCH) {
      const chunk = entries.slice(i, i + BATCH);
      try {
        const found = await load([...new Set(chunk.map((e) => e.key))]);
        for (const e of chunk) e.resolve(found.get(e.key) ?? missing);
      } catch (error) {
        for (const e of chunk) e.reject(error);
      }
    }
  };
  return (key) => {
    let value = memo.get(key);
    if (value) return value;
    value = new Promise<V>((resolve, reject) => {
      let queue = pending.queue;
      if (queue === null) {
        const entries: Entry[] = [];
        queue = pending.queue = entries;
        queueMicrotask(() => {
          pending.queue = null;
          void flush(entries);
        });
      }
      queue.push({ key, resolve, reject });
    });
    memo.set(key, value);
    return value;
  };
}

export function createDeliveryReader(store: Store, principal: Principal, includeDrafts: boolean) {
  const version = includeDrafts ? 'current' : 'published';
  // The read rule serves searches only; a record by id goes through the per-record decision.
  let searchBase: Pick<ItemSearch, 'rule' | 'version'> | null = null;
  const base = () => (searchBase ??= { rule: readRule(principal, 'cda.query', { includeDrafts, version }), version });
  const deliver = (item: Item): DeliveredRecord => ({ item, values: versionOf(item, includeDrafts) ?? {} });

  // The batchers are made on first use: most queries (a record by id, a page without traversals)
  // never follow a relation, and a reader is made for every request.
  let related: ((id: string) => Promise<DeliveredRecord | null>) | null = null;
  const relatedLoader = () =>
    batched(async (ids) => {
      const items = await store.searchItems({ ...base(), ids });
      return new Map(items.map((item) => [item.id, deliver(item)]));
    }, null as DeliveredRecord | null);

  let children: ((parentId: string) => Promise<DeliveredRecord[]>) | null = null;
  const childrenLoader = () =>
    batched(
      async (parentIds) => {
        const items = await store.searchItems({ ...base(), parentIds, orderBy: [{ ref: { kind: 'system', name: 'position' }, direction: 'asc' }] });
        const byParent = new Map<string, DeliveredRecord[]>(parentIds.map((id) => [id, []]));
        for (const item of items) byParent.get(item.parentId ?? '')?.push(deliver(item));
        return byParent;
      },
      [] as DeliveredRecord[],
    );

  return {
    /** One page of a model's readable records. */
    async page(itemTypeId: string, request: PageRequest): Promise<DeliveredRecord[]> {
      const items = await store.searchItems({ ...base(), itemTypeIds: [itemTypeId], ...request });
      return items.map(deliver);
    },

    /** How many readable records of a model match. */
    count(itemTypeId: string, where?: Condition): Promise<number> {
      return store.countSearch({ ...base(), itemTypeIds: [itemTypeId], ...(where ? { where } : {}) });
    },

    /**
     * One record asked for by id: null when it does not exist (in this model, or in the version
     * asked for); a denial is thrown, as for a single item on the CMA.
     */
    async one(itemTypeId: string, id: string): Promise<DeliveredRecord | null> {
      const item = await store.findItem(id);
      if (!item || item.itemTypeId !== itemTypeId) return null;
      const values = versionOf(item, includeDrafts);
      if (values === null) return null;
      const denial = denialFor(principal, 'cda.query', item, { includeDrafts, roles: await creatorRoles(store, principal, item.creator) });
      if (denial) throw denialProblem(denial, item.id);
      return { item, values };
    },

    /** A record reached through a relation (parent, link): silently null when not readable. */
    related(id: string | null): Promise<DeliveredRecord | null> {
      if (id === null) return Promise.resolve(null);
      related ??= relatedLoader();
      return related(id);
    },

    /** Readable children of a record, by position. */
    children(parentId: string): Promise<DeliveredRecord[]> {
      children ??= childrenLoader();
      return children(parentId);
    },
  };
}

export type DeliveryReader = ReturnType<typeof createDeliveryReader>;
