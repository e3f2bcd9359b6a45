/**
 * @module
 * What the Content Delivery API reads, for one request: the published version of each record (the
 * current one with drafts), filtered by the one access decision. The GraphQL resolvers only ask
 * this reader; they never decide. Results are memoised for the request, so a query that touches
 * the same records many times (children, links) loads them once.
 */
import { ApiProblem } from '../errors.ts';
import type { Principal } from '../model.ts';
import type { Store } from '../ports.ts';
import { denialFor, denialProblem, type CreatorRoles } from './access.ts';
import { creatorRoles, scopeQuery } from './items.ts';
import { versionOf } from './lifecycle.ts';
import type { FieldValues, Item } from './model.ts';

/** A record as a reader sees it: the item and the version of its values it may read. */
export interface DeliveredRecord {
  readonly item: Item;
  readonly values: FieldValues;
}

const byPosition = (a: DeliveredRecord, b: DeliveredRecord) => a.item.position - b.item.position || Number(a.item.id) - Number(b.item.id);

export function createDeliveryReader(store: Store, principal: Principal, includeDrafts: boolean) {
  let roles: Promise<CreatorRoles | undefined> | null = null;
  const byType = new Map<string, Promise<DeliveredRecord[]>>();
  const byParent = new Map<string, Promise<DeliveredRecord[]>>();
  const byId = new Map<string, Promise<Item | null>>();
  const base = { ...scopeQuery(principal), publishedOnly: !includeDrafts };

  const loadRoles = () => (roles ??= creatorRoles(store, principal));
  const load = (id: string) => {
    let found = byId.get(id);
    if (!found) byId.set(id, (found = store.findItem(id)));
    return found;
  };
  /** The record when its version exists and the decision allows reading it; the denial otherwise. */
  async function judge(item: Item): Promise<DeliveredRecord | ApiProblem | null> {
    const values = versionOf(item, includeDrafts);
    if (values === null) return null;
    const denial = denialFor(principal, 'cda.query', item, { includeDrafts, roles: await loadRoles() });
    return denial ? denialProblem(denial, item.id) : { item, values };
  }
  async function visible(items: Item[]): Promise<DeliveredRecord[]> {
    const judged = await Promise.all(items.map(judge));
    return judged.filter((r): r is DeliveredRecord => r !== null && !(r instanceof ApiProblem));
  }

  return {
    /** Every readable record of a model, in creation order. */
    all(itemTypeId: string): Promise<DeliveredRecord[]> {
      let records = byType.get(itemTypeId);
      if (!records) byType.set(itemTypeId, (records = store.listItems({ ...base, itemTypeIds: [itemTypeId] }).then(visible)));
      return records;
    },

    /**
     * One record asked for by id: null when it does not exist (in this model, or in the version
     * asked for); a denial is thrown, as for a single item on the CMA.
     */
    async one(itemTypeId: string, id: string): Promise<DeliveredRecord | null> {
      const item = await load(id);
      if (!item || item.itemTypeId !== itemTypeId) return null;
      const judged = await judge(item);
      if (judged instanceof ApiProblem) throw judged;
      return judged;
    },

    /** A record reached through a relation (parent, link): silently null when not readable. */
    async related(id: string | null): Promise<DeliveredRecord | null> {
      if (id === null) return null;
      const item = await load(id);
      if (!item) return null;
      const judged = await judge(item);
      return judged instanceof ApiProblem ? null : judged;
    },

    /** Readable children of a record, by position. */
    children(parentId: string): Promise<DeliveredRecord[]> {
      let records = byParent.get(parentId);
      if (!records) {
        byParent.set(parentId, (records = store.listItems({ ...base, parentId }).then(visible).then((r) => r.sort(byPosition))));
      }
      return records;
    },
  };
}

export type DeliveryReader = ReturnType<typeof createDeliveryReader>;
