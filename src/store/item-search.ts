/**
 * @module
 * An {@link ItemSearch} as one SQL query: the read rule's predicate, structural filters, value
 * conditions (field values read with `json_extract` on SQLite and `jsonb` operators on
 * PostgreSQL), ordering and the page. A value whose JSON type no longer fits its field (the model
 * changed after the record was written) reads as null, as the GraphQL field itself shows it.
 */
import { sql, type RawBuilder, type SqlBool } from 'kysely';
import type { FieldType } from '../core/content/model.ts';
import { asksWholeModels, modelCounters, type Condition, type ItemSearch, type NearArgument, type OrderKey, type ValueRef } from '../core/content/query.ts';
import { countedModels, readModelCounters } from './item-counts.ts';
import { FALSE, joinAnd, joinOr, keys, readPredicate, rootPaths, TRUE } from './read-predicate.ts';
import { rowId } from './rows.ts';
import type { Dialect, SqlContext } from './sql-context.ts';

type Kind = 'text' | 'number' | 'boolean' | 'json' | 'id';

interface Value {
  readonly kind: Kind;
  readonly expr: RawBuilder<unknown>;
  /** Present: neither null nor the empty string (for JSON: not JSON null, not ""). */
  readonly present: RawBuilder<SqlBool>;
}

const FIELD_KINDS: Record<FieldType, Kind> = {
  string: 'text',
  text: 'text',
  date: 'text',
  date_time: 'text',
  link: 'text',
  slug: 'text',
  integer: 'number',
  float: 'number',
  boolean: 'boolean',
  json: 'json',
  links: 'json',
  color: 'json',
  lat_lon: 'json',
  seo: 'json',
};

/**
 * Structured values stored as JSON: present only in their own JSON shape (a value of another
 * shape no longer fits the field and reads as null), the same word on both databases.
 */
const JSON_SHAPES: Partial<Record<FieldType, 'array' | 'object'>> = { links: 'array', color: 'object', lat_lon: 'object', seo: 'object' };

const SYSTEM_COLUMNS = {
  id: ['items.id', 'id'],
  _status: ['items.status', 'text'],
  _createdAt: ['items.created_at', 'text'],
  _updatedAt: ['items.updated_at', 'text'],
  _publishedAt: ['items.published_at', 'text'],
  _firstPublishedAt: ['items.first_published_at', 'text'],
  parent: ['items.parent_id', 'id'],
  position: ['items.position', 'number'],
} as const satisfies Record<string, readonly [string, Kind]>;

/** System values every record has (NOT NULL columns; timestamps are never empty). */
const ALWAYS_PRESENT = new Set(['id', '_status', '_createdAt', '_updatedAt', 'position']);

function presence(kind: Kind, expr: RawBuilder<unknown>): RawBuilder<SqlBool> {
  return kind === 'text' ? sql<SqlBool>`(${expr} is not null and ${expr} <> '')` : sql<SqlBool>`${expr} is not null`;
}

function fieldValue(dialect: Dialect, column: 'current' | 'published', apiKey: string, fieldType: FieldType): Value {
  const kind = FIELD_KINDS[fieldType];
  const col = sql.ref(`items.${column}`);
  if (dialect === 'sqlite') {
    const path = `$.${apiKey}`;
    const type = sql`json_type(${col}, ${path})`;
    const raw = sql`json_extract(${col}, ${path})`;
    if (fieldType === 'links') {
      // A list of ids is present when it is a list of strings (empty included); anything else reads as null.
      const strings = sql<SqlBool>`not exists (select 1 from json_each(${col}, ${path}) where type <> 'text')`;
      return { kind, expr: raw, present: sql<SqlBool>`(${type} is not null and ${type} = 'array' and ${strings})` };
    }
    if (kind === 'json') {
      const shape = JSON_SHAPES[fieldType];
      if (shape) return { kind, expr: raw, present: sql<SqlBool>`coalesce(${type} = ${shape}, false)` };
      return { kind, expr: raw, present: sql<SqlBool>`(${type} is not null and ${type} <> 'null' and not (${type} = 'text' and ${raw} = ''))` };
    }
    const types = kind === 'text' ? ['text'] : kind === 'boolean' ? ['true', 'false'] : fieldType === 'integer' ? ['integer'] : ['integer', 'real'];
    const expr = sql`(case when ${type} in (${sql.join(types)}) then ${raw} end)`;
    return { kind, expr, present: presence(kind, expr) };
  }
  const node = sql`(cast(${col} as jsonb) -> cast(${apiKey} as text))`;
  const type = sql`jsonb_typeof(${node})`;
  const text = sql`(cast(${col} as jsonb) ->> cast(${apiKey} as text))`;
  if (fieldType === 'links') {
    const strings = sql<SqlBool>`not exists (select 1 from jsonb_array_elements(case when ${type} = 'array' then ${node} else cast('[]' as jsonb) end) as e(member) where jsonb_typeof(e.member) <> 'string')`;
    return { kind, expr: node, present: sql<SqlBool>`(${type} is not null and ${type} = 'array' and ${strings})` };
  }
  if (kind === 'json') {
    const shape = JSON_SHAPES[fieldType];
    if (shape) return { kind, expr: node, present: sql<SqlBool>`coalesce(${type} = ${shape}, false)` };
    return { kind, expr: node, present: sql<SqlBool>`(${type} is not null and ${type} <> 'null' and not (${type} = 'string' and ${text} = ''))` };
  }
  const expr =
    kind === 'text'
      ? sql`(case when ${type} = 'string' then ${text} end)`
      : kind === 'boolean'
        ? sql`(case when ${type} = 'boolean' then cast(${text} as boolean) end)`
        : fieldType === 'integer'
          ? sql`(case when ${type} = 'number' and ${text} ~ '^-?[0-9]+$' then cast(${text} as numeric) end)`
          : sql`(case when ${type} = 'number' then cast(${text} as numeric) end)`;
  return { kind, expr, present: presence(kind, expr) };
}

function refValue(dialect: Dialect, column: 'current' | 'published', ref: ValueRef): Value {
  if (ref.kind === 'field') return fieldValue(dialect, column, ref.apiKey, ref.fieldType);
  const [name, kind] = SYSTEM_COLUMNS[ref.name];
  const expr = sql.ref(name);
  return { kind, expr, present: presence(kind, expr) };
}

/** A condition argument as the database compares it; undefined: it names nothing (an id that cannot exist). */
function argument(kind: Kind, dialect: Dialect, arg: unknown): unknown {
  if (kind === 'id') return rowId(String(arg)) ?? undefined;
  if (kind === 'boolean' && dialect === 'sqlite') return arg ? 1 : 0;
  return arg;
}

/** Text compared byte-wise on PostgreSQL too, as SQLite (and the ordering of the path index) does. */
const ordered = (value: Value, dialect: Dialect) => (dialect === 'postgres' && value.kind === 'text' ? sql`${value.expr} collate "C"` : value.expr);

function test(value: Value, dialect: Dialect, op: string, raw: unknown): RawBuilder<SqlBool> {
  const { expr, present } = value;
  if (op === 'exists') return raw ? present : sql<SqlBool>`not ${present}`;
  if (op === 'matches' || op === 'notMatches') {
    if (value.kind !== 'text') return op === 'matches' ? FALSE : TRUE;
    const { pattern, caseSensitive } = raw as { pattern: string; caseSensitive?: boolean | null };
    const [hay, needle] = caseSensitive ? [expr, sql`${pattern}`] : [sql`lower(${expr})`, sql`lower(${pattern})`];
    const found = dialect === 'sqlite' ? sql`instr(${hay}, ${needle})` : sql`strpos(${hay}, ${needle})`;
    // NULL-free (`false and null` is false), so its negation is exact.
    const matched = sql<SqlBool>`(${expr} is not null and ${found} > 0)`;
    return op === 'matches' ? matched : sql<SqlBool>`not ${matched}`;
  }
  if (op === 'anyIn' || op === 'allIn') return FALSE;
  if (op === 'in' || op === 'notIn') {
    const args = (raw as unknown[]).map((a) => argument(value.kind, dialect, a)).filter((a) => a !== undefined && a !== null);
    if (op === 'in') return args.length === 0 ? FALSE : sql<SqlBool>`${expr} in (${sql.join(args)})`;
    return args.length === 0 ? TRUE : sql<SqlBool>`(${expr} is null or ${expr} not in (${sql.join(args)}))`;
  }
  const arg = argument(value.kind, dialect, raw);
  if (op === 'eq') return arg === undefined ? FALSE : sql<SqlBool>`${expr} = ${arg}`;
  if (op === 'neq') return arg === undefined ? TRUE : sql<SqlBool>`(${expr} is null or ${expr} <> ${arg})`;
  const cmp = { gt: '>', gte: '>=', lt: '<', lte: '<=' }[op];
  if (!cmp || arg === undefined) return FALSE;
  return sql<SqlBool>`(${present} and ${ordered(value, dialect)} ${sql.raw(cmp)} ${arg})`;
}

export function conditionSql(condition: Condition, dialect: Dialect, column: 'current' | 'published'): RawBuilder<SqlBool> {
  switch (condition.kind) {
    case 'and':
      return joinAnd(condition.conditions.map((c) => conditionSql(c, dialect, column)));
    case 'or':
      return joinOr(condition.conditions.map((c) => conditionSql(c, dialect, column)));
    case 'itemTypes':
      return oneOf('items.item_type_id', keys(condition.ids));
    case 'test': {
      // A null argument is no condition, as in DatoCMS's filters.
      if (condition.arg === null || condition.arg === undefined) return TRUE;
      if (condition.ref.kind === 'field' && condition.ref.fieldType === 'links' && condition.op !== 'exists')
        return linksTest(dialect, column, condition.ref.apiKey, condition.op, condition.arg);
      if (condition.op === 'near')
        return condition.ref.kind === 'field' && condition.ref.fieldType === 'lat_lon'
          ? nearTest(dialect, column, condition.ref.apiKey, condition.arg as NearArgument)
          : FALSE;
      return test(refValue(dialect, column, condition.ref), dialect, condition.op, condition.arg);
    }
  }
}

/**
 * A condition on a `links` value (see LINKS_OPS in core/content/query.ts): the ids of the list are
 * read with `json_each` / `jsonb_array_elements_text`; a value that is not a list links to nothing.
 */
function linksTest(dialect: Dialect, column: 'current' | 'published', apiKey: string, op: string, raw: unknown): RawBuilder<SqlBool> {
  // One id alone is a list of one.
  const ids = [
    ...new Set((Array.isArray(raw) ? raw : [raw]).filter((id): id is string | number => typeof id === 'string' || typeof id === 'number').map(String)),
  ];
  const col = sql.ref(`items.${column}`);
  const path = `$.${apiKey}`;
  const sqlite = dialect === 'sqlite';
  const node = sqlite ? sql`json_extract(${col}, ${path})` : sql`(cast(${col} as jsonb) -> cast(${apiKey} as text))`;
  // A list of ids holds strings only; anything else (written before the model changed) links to nothing.
  const isList = sqlite
    ? sql<SqlBool>`(coalesce(json_type(${col}, ${path}) = 'array', false) and not exists (select 1 from json_each(${col}, ${path}) where type <> 'text'))`
    : sql<SqlBool>`(coalesce(jsonb_typeof(${node}) = 'array', false) and not exists (select 1 from jsonb_array_elements(case when jsonb_typeof(${node}) = 'array' then ${node} else cast('[]' as jsonb) end) as m(member) where jsonb_typeof(m.member) <> 'string'))`;
  if (op === 'eq') {
    // The same ids in the same order: both sides as canonical JSON (SQLite's minified text, jsonb).
    const list = JSON.stringify(ids);
    return sqlite ? sql<SqlBool>`(${isList} and ${node} = json(${list}))` : sql<SqlBool>`(${isList} and ${node} = cast(${list} as jsonb))`;
  }
  if (ids.length === 0) return op === 'anyIn' ? FALSE : TRUE;
  // Never hands a non-list to the element functions (PostgreSQL would fail on a scalar).
  const elements = sqlite
    ? sql`json_each(case when ${isList} then ${node} else '[]' end)`
    : sql`jsonb_array_elements_text(case when ${isList} then ${node} else cast('[]' as jsonb) end) as e(value)`;
  const hits = sql`(select count(distinct value) from ${elements} where value in (${sql.join(ids)}))`;
  if (op === 'anyIn') return sql<SqlBool>`${hits} > 0`;
  if (op === 'allIn') return sql<SqlBool>`${hits} = ${ids.length}`;
  if (op === 'notIn') return sql<SqlBool>`${hits} = 0`;
  return FALSE;
}

/** The mean Earth radius (IUGG), in metres. */
const EARTH_RADIUS_M = 6_371_008.8;

/**
 * `near` on a `lat_lon` value: the haversine distance to the point at most `radius` metres. A
 * value that is not a position (missing, or the model changed) is never near.
 */
function nearTest(dialect: Dialect, column: 'current' | 'published', apiKey: string, near: NearArgument): RawBuilder<SqlBool> {
  const lat0 = Number(near.latitude);
  const lon0 = Number(near.longitude);
  const radius = Number(near.radius);
  if (![lat0, lon0, radius].every(Number.isFinite) || radius < 0) return FALSE;
  const col = sql.ref(`items.${column}`);
  const sqlite = dialect === 'sqlite';
  const coordinate = (name: 'latitude' | 'longitude') => {
    if (sqlite) {
      const path = `$.${apiKey}.${name}`;
      return sql`(case when json_type(${col}, ${path}) in ('integer', 'real') then json_extract(${col}, ${path}) end)`;
    }
    const node = sql`(cast(${col} as jsonb) -> cast(${apiKey} as text) -> cast(${name} as text))`;
    return sql`(case when jsonb_typeof(${node}) = 'number' then cast(${node} #>> '{}' as double precision) end)`;
  };
  // Parameters typed explicitly on PostgreSQL, where an untyped one next to an integer would be read as one.
  const num = (n: number) => (sqlite ? sql`${n}` : sql`cast(${n} as double precision)`);
  const lat = coordinate('latitude');
  const lon = coordinate('longitude');
  const half = sql`(power(sin((radians(${lat}) - radians(${num(lat0)})) / 2), 2) + cos(radians(${num(lat0)})) * cos(radians(${lat})) * power(sin((radians(${lon}) - radians(${num(lon0)})) / 2), 2))`;
  // Rounding may take `half` a hair past 1, outside asin's domain.
  const capped = sqlite ? sql`min(${half}, 1.0)` : sql`least(${half}, 1.0)`;
  return sql<SqlBool>`(${lat} is not null and ${lon} is not null and 2 * ${num(EARTH_RADIUS_M)} * asin(sqrt(${capped})) <= ${num(radius)})`;
}

function orderSql(keys: readonly OrderKey[], dialect: Dialect, column: 'current' | 'published'): RawBuilder<unknown> {
  const parts = keys.flatMap((key) => {
    const value = refValue(dialect, column, key.ref);
    const direction = sql.raw(key.direction);
    // A NOT NULL column sorts as it is, which leaves its index usable for the order.
    if (key.ref.kind === 'system' && ALWAYS_PRESENT.has(key.ref.name)) return [sql`${ordered(value, dialect)} ${direction}`];
    // Records without the value (null or '') come last in either direction, tied among themselves.
    const known = ordered({ ...value, expr: sql`(case when ${value.present} then ${value.expr} end)` }, dialect);
    return [sql`(case when ${value.present} then 0 else 1 end)`, sql`${known} ${direction}`];
  });
  return sql.join([...parts, sql`items.id`]);
}

/**
 * `column = k` for one key (SQLite serves `item_type_id = ? order by id` from the (item_type_id,
 * id) index, but not the same with `in (…)`), `in (…)` for several, nothing for none.
 */
function oneOf(column: string, values: number[]): RawBuilder<SqlBool> {
  if (values.length === 0) return FALSE;
  return values.length === 1 ? sql<SqlBool>`${sql.ref(column)} = ${values[0]}` : sql<SqlBool>`${sql.ref(column)} in (${sql.join(values)})`;
}

/** The filtered rows of a search, before order and page. */
async function filtered(ctx: SqlContext, search: ItemSearch, creationOrderPage = false) {
  const { db, dialect } = ctx;
  const column: 'current' | 'published' = search.version === 'published' ? 'published' : 'current';
  let q = db.selectFrom('items').where(readPredicate(search.rule, dialect, await rootPaths(db, search.rule), !creationOrderPage));
  if (search.itemTypeIds) q = q.where(oneOf('items.item_type_id', keys(search.itemTypeIds)));
  if (search.ids) q = q.where(oneOf('items.id', keys(search.ids)));
  if (search.parentIds) {
    const parents = keys(search.parentIds.filter((p): p is string => p !== null));
    const top = search.parentIds.includes(null);
    q = q.where(
      joinOr([
        ...(parents.length > 0 ? [sql<SqlBool>`items.parent_id in (${sql.join(parents)})`] : []),
        ...(top ? [sql<SqlBool>`items.parent_id is null`] : []),
      ]),
    );
  }
  if (search.where) q = q.where(conditionSql(search.where, dialect, column));
  return { q, column };
}

/** The page query of a search (exported so its plan can be inspected). */
export async function searchQuery(ctx: SqlContext, search: ItemSearch) {
  const creationOrderPage = search.limit !== undefined && (search.orderBy ?? []).length === 0 && search.itemTypeIds?.length === 1;
  const { q, column } = await filtered(ctx, search, creationOrderPage);
  const order = orderSql(search.orderBy ?? [], ctx.dialect, column);
  if (search.limit === undefined) return q.selectAll('items').orderBy(order);
  if ((search.orderBy ?? []).length === 0)
    return q
      .selectAll('items')
      .orderBy(order)
      .limit(search.limit)
      .offset(search.offset ?? 0);
  // Ordered by values: sort only ids and keys to find the page, then read just the page's rows,
  // rather than carrying every candidate's whole row through the sort.
  const ids = q
    .select('items.id')
    .orderBy(order)
    .limit(search.limit)
    .offset(search.offset ?? 0);
  return ctx.db.selectFrom('items').selectAll('items').where('items.id', 'in', ids).orderBy(order);
}

/** The count query of a search. */
export async function countQuery(ctx: SqlContext, search: ItemSearch) {
  const { q } = await filtered(ctx, search);
  return q.select(sql<number>`count(*)`.as('n'));
}

export async function searchRows(ctx: SqlContext, search: ItemSearch) {
  return (await searchQuery(ctx, search)).execute();
}

/**
 * How many records a search matches. A count of whole models (of every model, without
 * `itemTypeIds`) that the read rule admits whole, or by their published records, reads the models'
 * counters — one row each, whatever their size; one the rule admits whole within root nodes (the
 * scope alone) reads the roots' subtree counters, one row per root and model; every other count
 * counts the rows.
 */
export async function countRows(ctx: SqlContext, search: ItemSearch): Promise<number> {
  // A search of every model (the CMA's `GET /items` without `filter[type]`) covers the models there are.
  const models = search.itemTypeIds ?? (asksWholeModels(search) ? await countedModels(ctx.db) : undefined);
  const counters = modelCounters(search, models);
  if (counters) return readModelCounters(ctx.db, counters);
  const row = await (await countQuery(ctx, search)).executeTakeFirst();
  return Number(row?.n ?? 0);
}
