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

/**
 * A class rather than a closure over the request: one reader is made per request, and its methods
 * then live once on the prototype instead of being made (and named) anew each time. The read rule
 * and the batchers are made on first use: a record by id needs neither, a page needs no batcher.
 */
export class DeliveryReader {
  readonly #store: Store;
  readonly #principal: Principal;
  readonly #includeDrafts: boolean;
  #base: Pick<ItemSearch, 'rule' | 'version'> | null = null;
  #related: ((id: string) => Promise<DeliveredRecord | null>) | null = null;
  /** Children loaders: of any model under '', of one model under its id. */
  #children: Map<string, (parentId: string) => Promise<DeliveredRecord[]>> | null = null;

  constructor(store: Store, principal: Principal, includeDrafts: boolean) {
    this.#store = store;
    this.#principal = principal;
    this.#includeDrafts = includeDrafts;
  }

  /** What every search of this reader starts from: the read rule, the version it reads. */
  #search(): Pick<ItemSearch, 'rule' | 'version'> {
    if (this.#base === null) {
      const version = this.#includeDrafts ? 'current' : 'published';
      this.#base = { rule: readRule(this.#principal, 'cda.query', { includeDrafts: this.#includeDrafts, version }), version };
    }
    return this.#base;
  }

  #deliver(item: Item): DeliveredRecord {
    return { item, values: versionOf(item, this.#includeDrafts) ?? {} };
  }

  /** One page of a model's readable records. */
  async page(itemTypeId: string, request: PageRequest): Promise<DeliveredRecord[]> {
    const items = await this.#store.searchItems({ ...this.#search(), itemTypeIds: [itemTypeId], ...request });
    return items.map((item) => this.#deliver(item));
  }

  /** How many readable records of a model match. */
  count(itemTypeId: string, where?: Condition): Promise<number> {
    return this.#store.countSearch({ ...this.#search(), itemTypeIds: [itemTypeId], ...(where ? { where } : {}) });
  }

  /**
   * One record asked for by id: null when it does not exist (in this model, or in the version
   * asked for); a denial is thrown, as for a single item on the CMA.
   */
  async one(itemTypeId: string, id: string): Promise<DeliveredRecord | null> {
    const item = await this.#store.findItem(id);
    if (!item || item.itemTypeId !== itemTypeId) return null;
    const values = versionOf(item, this.#includeDrafts);
    if (values === null) return null;
    const roles = await creatorRoles(this.#store, this.#principal, item.creator);
    const denial = denialFor(this.#principal, 'cda.query', item, { includeDrafts: this.#includeDrafts, roles });
    if (denial) throw denialProblem(denial, item.id);
    return { item, values };
  }

  /** A record reached through a relation (parent, link): silently null when not readable. */
  related(id: string | null): Promise<DeliveredRecord | null> {
    if (id === null) return Promise.resolve(null);
    this.#related ??= batched(
      async (ids) => {
        const items = await this.#store.searchItems({ ...this.#search(), ids });
        return new Map(items.map((item) => [item.id, this.#deliver(item)]));
      },
      null as DeliveredRecord | null,
    );
    return this.#related(id);
  }

  /**
   * Readable children of a record, by position: of every model, or with `itemTypeId` of that model
   * only (a tree model's typed `children`), filtered in the query.
   */
  children(parentId: string, itemTypeId?: string): Promise<DeliveredRecord[]> {
    const key = itemTypeId ?? '';
    this.#children ??= new Map();
    let load = this.#children.get(key);
    if (!load) {
      load = batched(async (parentIds) => {
        const byPosition: OrderKey[] = [{ ref: { kind: 'system', name: 'position' }, direction: 'asc' }];
        const items = await this.#store.searchItems({
          ...this.#search(),
          parentIds,
          ...(itemTypeId ? { itemTypeIds: [itemTypeId] } : {}),
          orderBy: byPosition,
        });
        const byParent = new Map<string, DeliveredRecord[]>(parentIds.map((id) => [id, []]));
        for (const item of items) byParent.get(item.parentId ?? '')?.push(this.#deliver(item));
        return byParent;
      }, [] as DeliveredRecord[]);
      this.#children.set(key, load);
    }
    return load(parentId);
  }
}

export function createDeliveryReader(store: Store, principal: Principal, includeDrafts: boolean): DeliveryReader {
  return new DeliveryReader(store, principal, includeDrafts);
}
