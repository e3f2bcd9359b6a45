/**
 * @module
 * `filter` and `orderBy` of the generated queries, turned into the core's {@link Condition} and
 * {@link OrderKey} values that the store runs in SQL together with the read rule, so counts and
 * pages never include a hidden record. Only names the schema declared reach here (graphql-js
 * validates arguments first); an unknown one would match nothing rather than everything.
 *
 * DatoCMS's operator semantics that need no SQL of their own are spelled here with the core's
 * operators: `isBlank`/`isPresent` are `exists`, a boolean's `eq: false` also takes records
 * without the value, date-time arguments are truncated to the minute (`eq` is "within that
 * minute"), and the scheduling values that Latchkey never sets compare as null.
 */
import { ApiProblem } from '../core/errors.ts';
import type { ItemType } from '../core/content/model.ts';
import { camelCase } from '../core/content/naming.ts';
import { SYSTEM_VALUES, type Condition, type FilterOp, type OrderKey, type ValueRef } from '../core/content/query.ts';

/** An empty `or`: matches nothing. */
const NOTHING: Condition = { kind: 'or', conditions: [] };
/** An empty `and`: matches everything. */
const EVERYTHING: Condition = { kind: 'and', conditions: [] };

/**
 * System values a record has in DatoCMS but never in Latchkey (there is no scheduled publishing):
 * they are null on every record, so a filter on them is decided without reading anything and an
 * ordering by them changes nothing.
 */
export const ALWAYS_NULL = ['_publicationScheduledAt', '_unpublishingScheduledAt'] as const;

/** Timestamps whose filter arguments DatoCMS truncates to the minute. */
const MINUTE_VALUES = new Set(['_createdAt', '_updatedAt', '_publishedAt', '_firstPublishedAt']);
const MINUTE_MS = 60_000;

export type ValueRefs = ReadonlyMap<string, ValueRef>;

/** The names a model's `filter` and `orderBy` use: the system values and the camelCased fields. */
export function valueRefs(model: ItemType): Map<string, ValueRef> {
  const refs = new Map<string, ValueRef>(SYSTEM_VALUES.map((name) => [name, { kind: 'system', name }]));
  for (const field of model.fields) refs.set(camelCase(field.api_key), { kind: 'field', apiKey: field.api_key, fieldType: field.field_type });
  return refs;
}

export interface RecordFilter {
  readonly AND?: readonly (RecordFilter | null)[] | null;
  readonly OR?: readonly (RecordFilter | null)[] | null;
  readonly [field: string]: unknown;
}

const test = (ref: ValueRef, op: FilterOp, arg: unknown): Condition => ({ kind: 'test', ref, op, arg });

/** What an operator gives on a value that is null on every record. */
function onNull(op: string, arg: unknown): Condition {
  switch (op) {
    case 'exists':
      return arg ? NOTHING : EVERYTHING;
    case 'neq':
    case 'notIn':
      return EVERYTHING;
    default:
      return NOTHING;
  }
}

function refuseRegexp(field: string, arg: unknown): void {
  if ((arg as { regexp?: unknown } | null)?.regexp === true) {
    throw new ApiProblem('INVALID_PARAMS', {
      parameter: `filter.${field}`,
      message: 'regexp: true is not supported: matches and notMatches test for a substring (a client-supplied regular expression could run unbounded)',
    });
  }
}

/** A DateTime argument (already normalised to UTC by the scalar) truncated to its minute. */
function minuteOf(arg: unknown): number {
  const ms = Date.parse(String(arg));
  return ms - (((ms % MINUTE_MS) + MINUTE_MS) % MINUTE_MS);
}
const iso = (ms: number) => new Date(ms).toISOString();

/** One operator of one value. */
function operatorCondition(field: string, ref: ValueRef, op: string, arg: unknown): Condition {
  if (op === 'isBlank') return test(ref, 'exists', !arg);
  if (op === 'isPresent') return test(ref, 'exists', Boolean(arg));
  if (op === 'matches' || op === 'notMatches') refuseRegexp(field, arg);
  // DatoCMS: `eq: false` also finds records where the boolean was never set.
  if (op === 'eq' && arg === false && ref.kind === 'field' && ref.fieldType === 'boolean') {
    return { kind: 'or', conditions: [test(ref, 'eq', false), test(ref, 'exists', false)] };
  }
  const minutes = ref.kind === 'field' ? ref.fieldType === 'date_time' : MINUTE_VALUES.has(ref.name);
  if (minutes && ['eq', 'neq', 'gt', 'gte', 'lt', 'lte'].includes(op)) {
    const start = minuteOf(arg);
    if (op === 'eq') return { kind: 'and', conditions: [test(ref, 'gte', iso(start)), test(ref, 'lt', iso(start + MINUTE_MS))] };
    if (op === 'neq') return { kind: 'or', conditions: [test(ref, 'exists', false), test(ref, 'lt', iso(start)), test(ref, 'gte', iso(start + MINUTE_MS))] };
    return test(ref, op as FilterOp, iso(start));
  }
  return test(ref, op as FilterOp, arg);
}

export function toCondition(filter: RecordFilter | null | undefined, refs: ValueRefs): Condition | undefined {
  if (!filter) return undefined;
  const conditions: Condition[] = [];
  for (const [key, value] of Object.entries(filter)) {
    if (value === null || value === undefined) continue;
    if (key === 'AND' || key === 'OR') {
      // A null entry of the list is no condition, like an empty filter.
      const parts = (value as (RecordFilter | null)[]).map((f) => toCondition(f, refs) ?? EVERYTHING);
      conditions.push({ kind: key === 'AND' ? 'and' : 'or', conditions: parts });
      continue;
    }
    const nullValue = (ALWAYS_NULL as readonly string[]).includes(key);
    const ref = refs.get(key);
    if (!ref && !nullValue) {
      conditions.push(NOTHING);
      continue;
    }
    for (const [op, arg] of Object.entries(value as Record<string, unknown>)) {
      // A null argument is no condition, as in DatoCMS's filters.
      if (arg === null || arg === undefined) continue;
      conditions.push(ref ? operatorCondition(key, ref, op, arg) : onNull(op, arg));
    }
  }
  return { kind: 'and', conditions };
}

/** `title_ASC`, `_createdAt_DESC`…; records without the value last either way; ties by id. */
export function toOrder(orderBy: readonly (string | null)[] | null | undefined, refs: ValueRefs): OrderKey[] {
  return (orderBy ?? []).flatMap((entry) => {
    if (entry === null) return [];
    const at = entry.lastIndexOf('_');
    const ref = refs.get(entry.slice(0, at));
    return ref ? [{ ref, direction: entry.slice(at + 1) === 'DESC' ? ('desc' as const) : ('asc' as const) }] : [];
  });
}
