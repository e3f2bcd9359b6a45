/**
 * @module
 * `filter` and `orderBy` of the generated queries, turned into the core's {@link Condition} and
 * {@link OrderKey} values that the store runs in SQL together with the read rule, so counts and
 * pages never include a hidden record. Only names the schema declared reach here (graphql-js
 * validates arguments first); an unknown one would match nothing rather than everything.
 */
import type { ItemType } from '../core/content/model.ts';
import { camelCase } from '../core/content/naming.ts';
import { SYSTEM_VALUES, type Condition, type OrderKey, type ValueRef } from '../core/content/query.ts';

/** GraphQL field name → the value a filter or an ordering looks at. */
/** An empty `or`: matches nothing. */
const NOTHING: Condition = { kind: 'or', conditions: [] };

export type ValueRefs = ReadonlyMap<string, ValueRef>;

/** The names a model's `filter` and `orderBy` use: the system values and the camelCased fields. */
export function valueRefs(model: ItemType): Map<string, ValueRef> {
  const refs = new Map<string, ValueRef>(SYSTEM_VALUES.map((name) => [name, { kind: 'system', name }]));
  for (const field of model.fields) refs.set(camelCase(field.api_key), { kind: 'field', apiKey: field.api_key, fieldType: field.field_type });
  return refs;
}

export interface RecordFilter {
  readonly AND?: readonly RecordFilter[] | null;
  readonly OR?: readonly RecordFilter[] | null;
  readonly [field: string]: unknown;
}

export function toCondition(filter: RecordFilter | null | undefined, refs: ValueRefs): Condition | undefined {
  if (!filter) return undefined;
  const conditions: Condition[] = [];
  for (const [key, value] of Object.entries(filter)) {
    if (value === null || value === undefined) continue;
    if (key === 'AND' || key === 'OR') {
      const parts = (value as RecordFilter[]).map((f) => toCondition(f, refs) ?? { kind: 'and' as const, conditions: [] });
      conditions.push({ kind: key === 'AND' ? 'and' : 'or', conditions: parts });
      continue;
    }
    const ref = refs.get(key);
    if (!ref) {
      conditions.push(NOTHING);
      continue;
    }
    for (const [op, arg] of Object.entries(value as Record<string, unknown>)) {
      // `caseSensitive` travels inside `matches`; every other key is an operator.
      conditions.push({ kind: 'test', ref, op: op as Extract<Condition, { kind: 'test' }>['op'], arg });
    }
  }
  return { kind: 'and', conditions };
}

/** `title_ASC`, `_createdAt_DESC`…; records without the value last either way; ties by id. */
export function toOrder(orderBy: readonly string[] | null | undefined, refs: ValueRefs): OrderKey[] {
  return (orderBy ?? []).flatMap((entry) => {
    const at = entry.lastIndexOf('_');
    const ref = refs.get(entry.slice(0, at));
    return ref ? [{ ref, direction: entry.slice(at + 1) === 'DESC' ? ('desc' as const) : ('asc' as const) }] : [];
  });
}
