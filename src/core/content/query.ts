/**
 * @module
 * A content read as a value the store runs in SQL: which records (the access rule, structural
 * filters, conditions on system and field values), in which order, which page. The APIs build it;
 * the store compiles it with one query layer for both databases. Nothing here touches storage.
 */
import type { ContentVersion, FieldType } from './model.ts';
import { modelShare, type ReadRule } from './read-rule.ts';

export const SYSTEM_VALUES = ['id', '_status', '_createdAt', '_updatedAt', '_publishedAt', '_firstPublishedAt', 'parent', 'position'] as const;
export type SystemValue = (typeof SYSTEM_VALUES)[number];

/** A value a condition or an ordering looks at: a system column, or a field of the version read. */
export type ValueRef =
  | { readonly kind: 'system'; readonly name: SystemValue }
  | { readonly kind: 'field'; readonly apiKey: string; readonly fieldType: FieldType };

export const FILTER_OPS = ['eq', 'neq', 'in', 'notIn', 'gt', 'gte', 'lt', 'lte', 'exists', 'matches', 'notMatches', 'anyIn', 'allIn', 'near'] as const;
export type FilterOp = (typeof FILTER_OPS)[number];

/**
 * On a `links` value (a list of record ids) the arguments are lists of ids: `anyIn` links to at
 * least one of them, `allIn` to every one of them, `notIn` to none of them (records without links
 * included), `eq` to exactly these records in this order; `exists` as for any value.
 */
export const LINKS_OPS = ['eq', 'notIn', 'anyIn', 'allIn', 'exists'] as const satisfies readonly FilterOp[];

/** `near` on a `lat_lon` value: within `radius` metres (great-circle distance) of the point. */
export interface NearArgument {
  readonly latitude: number;
  readonly longitude: number;
  readonly radius: number;
}

/**
 * Conditions. Semantics (the same on both databases): a value is *present* when it is neither null
 * nor the empty string; `neq`/`notIn` keep records without the value; `gt`…`lte` need a present
 * value; `matches` is a substring test on string values (`{ pattern, caseSensitive }`) and
 * `notMatches` keeps exactly the records `matches` drops. On `links` values see {@link LINKS_OPS};
 * `near` see {@link NearArgument}.
 *
 * `itemTypes` keeps the records of these models: a condition that differs per model (a text
 * search over each model's own text fields) names the model it concerns.
 */
export type Condition =
  | { readonly kind: 'and'; readonly conditions: readonly Condition[] }
  | { readonly kind: 'or'; readonly conditions: readonly Condition[] }
  | { readonly kind: 'itemTypes'; readonly ids: readonly string[] }
  | { readonly kind: 'test'; readonly ref: ValueRef; readonly op: FilterOp; readonly arg: unknown };

/** Records without the value come last in either direction; ties fall back to creation order (id). */
export interface OrderKey {
  readonly ref: ValueRef;
  readonly direction: 'asc' | 'desc';
}

export interface ItemSearch {
  /** Who may read what: records outside the rule are neither returned nor counted. */
  readonly rule: ReadRule;
  /** Which version field conditions and orderings read. */
  readonly version: ContentVersion;
  readonly itemTypeIds?: readonly string[];
  readonly ids?: readonly string[];
  /** Children of any of these items; `null` in the list: top-level items (websites). */
  readonly parentIds?: readonly (string | null)[];
  readonly where?: Condition;
  /** Default: creation order. Children lists use `position`. */
  readonly orderBy?: readonly OrderKey[];
  readonly offset?: number;
  readonly limit?: number;
}

/** A condition that keeps every record: null arguments (no condition, as in DatoCMS) joined by `and`. */
export function keepsEverything(condition: Condition): boolean {
  switch (condition.kind) {
    case 'and':
      return condition.conditions.every(keepsEverything);
    case 'or':
    case 'itemTypes':
      return false;
    case 'test':
      return condition.arg === null || condition.arg === undefined;
  }
}

/**
 * The records of one model within root nodes: what a root-node-scoped count takes from the subtree
 * counters (every record of the model, or with `published` every published one).
 */
export interface SubtreeCounter {
  readonly itemTypeId: string;
  readonly rootIds: readonly string[];
  readonly published: boolean;
}

/**
 * Models whose records a count takes whole: every record (`total`) or those with a published
 * version; and models it takes within root nodes (`subtrees`, present only when there are some).
 */
export interface ModelCounters {
  readonly total: readonly string[];
  readonly published: readonly string[];
  readonly subtrees?: readonly SubtreeCounter[];
}

/** Whether a search asks for whole models: no ids, no parent, no condition that drops a record. */
export function asksWholeModels(search: ItemSearch): boolean {
  return !search.ids && !search.parentIds && (!search.where || keepsEverything(search.where));
}

/**
 * How the count of a search follows from record counters, or null when only counting the rows can
 * tell. It does when — and only when — the search asks for whole models and the read rule, for
 * each of those models, admits all of its records, all of its published ones, none, or all (or
 * all published) within root nodes: the per-model counters answer the first kinds, the subtree
 * counters the scoped ones. A creator condition that concerns one of the models, or a scope mixed
 * with anything else, leaves the count to the rows. `models`: the models a search without
 * `itemTypeIds` covers (every model there is).
 */
export function modelCounters(search: ItemSearch, models: readonly string[] | undefined = search.itemTypeIds): ModelCounters | null {
  if (!models || !asksWholeModels(search)) return null;
  const total: string[] = [];
  const published: string[] = [];
  const subtrees: SubtreeCounter[] = [];
  for (const id of new Set(models)) {
    const share = modelShare(search.rule, id);
    if (share === null) return null;
    if (share === 'all') total.push(id);
    else if (share === 'published') published.push(id);
    else if (share !== 'none') subtrees.push({ itemTypeId: id, rootIds: share.within, published: share.published });
  }
  return subtrees.length > 0 ? { total, published, subtrees } : { total, published };
}
