/**
 * @module
 * `GET /items` query parameters as DatoCMS's CMA takes them, turned into the core's
 * {@link Condition} and {@link OrderKey} values the store runs in SQL under the caller's read rule:
 * `filter[type]`, `filter[ids]`, `filter[query]`, `filter[fields][<field>][<operator>]`,
 * `order_by`, `version`, `nested`, `locale` and the page. Operators follow DatoCMS's per field
 * type; anything malformed or unknown is an `INVALID_PARAMS` naming the parameter.
 */
import { ApiProblem } from '../../core/errors.ts';
import type { ContentVersion, FieldType, ItemType } from '../../core/content/model.ts';
import type { Condition, FilterOp, OrderKey, SystemValue, ValueRef } from '../../core/content/query.ts';
import type { ItemListQuery } from '../../core/content/items.ts';
import { itemTypeIdsFor } from '../../core/content/type-filter.ts';
import { PAGE_LIMIT_DEFAULT, PAGE_LIMIT_MAX } from '../lists.ts';

/** A list request as the item use cases take it. */
export type ItemListParams = ItemListQuery;

type Raw = string | string[];
const MAX_PARAM_CHARS = 10_000;
const MAX_LIST = 500;

const bad = (parameter: string, message: string) => new ApiProblem('INVALID_PARAMS', { parameter, message });

/** What a filterable name reads and which DatoCMS operators it takes. */
type Kind =
  | 'string'
  | 'text'
  | 'slug'
  | 'number'
  | 'integer'
  | 'date'
  | 'datetime'
  | 'boolean'
  | 'presence'
  | 'link'
  | 'links'
  | 'id'
  | 'status'
  | 'parent'
  | 'position';

const OPERATORS: Record<Kind, readonly string[]> = {
  string: ['matches', 'not_matches', 'is_blank', 'is_present', 'eq', 'neq', 'in', 'not_in', 'exists'],
  text: ['matches', 'not_matches', 'is_blank', 'is_present', 'exists'],
  slug: ['eq', 'neq', 'in', 'not_in'],
  integer: ['gt', 'lt', 'gte', 'lte', 'exists', 'eq', 'neq'],
  number: ['gt', 'lt', 'gte', 'lte', 'exists', 'eq', 'neq'],
  date: ['gt', 'lt', 'gte', 'lte', 'exists', 'eq', 'neq'],
  datetime: ['gt', 'lt', 'gte', 'lte', 'exists', 'eq', 'neq'],
  boolean: ['eq'],
  presence: ['exists'],
  link: ['eq', 'neq', 'in', 'not_in', 'exists'],
  links: ['eq', 'all_in', 'any_in', 'not_in', 'exists'],
  id: ['eq', 'neq', 'in', 'not_in'],
  status: ['eq', 'neq', 'in', 'not_in'],
  parent: ['eq', 'exists'],
  position: ['gt', 'lt', 'gte', 'lte', 'eq', 'neq'],
};

const FIELD_KINDS: Record<FieldType, Kind> = {
  string: 'string',
  text: 'text',
  slug: 'slug',
  integer: 'integer',
  float: 'number',
  boolean: 'boolean',
  date: 'date',
  date_time: 'datetime',
  json: 'presence',
  color: 'presence',
  lat_lon: 'presence',
  seo: 'presence',
  link: 'link',
  links: 'links',
};

/** DatoCMS's meta names → the core's system values. */
const META: Record<string, readonly [SystemValue, Kind]> = {
  id: ['id', 'id'],
  _status: ['_status', 'status'],
  _created_at: ['_createdAt', 'datetime'],
  _updated_at: ['_updatedAt', 'datetime'],
  _published_at: ['_publishedAt', 'datetime'],
  _first_published_at: ['_firstPublishedAt', 'datetime'],
  parent_id: ['parent', 'parent'],
  position: ['position', 'position'],
};

/** DatoCMS meta names Latchkey has no data for: refused by name rather than matched wrongly. */
const UNSUPPORTED_META = new Set(['_is_valid', '_publication_scheduled_at', '_unpublishing_scheduled_at', '_creator', '_rank', '_stage']);

/** Field types `order_by` sorts by (DatoCMS's, plus text and slug). */
const ORDERABLE = new Set<FieldType>(['string', 'text', 'slug', 'integer', 'float', 'boolean', 'date', 'date_time']);
const ORDERABLE_META = new Set(['id', '_status', '_created_at', '_updated_at', '_published_at', '_first_published_at', 'position']);

const OP_NAMES: Record<string, FilterOp> = {
  eq: 'eq',
  neq: 'neq',
  in: 'in',
  not_in: 'notIn',
  notIn: 'notIn',
  gt: 'gt',
  gte: 'gte',
  lt: 'lt',
  lte: 'lte',
  exists: 'exists',
  matches: 'matches',
  not_matches: 'notMatches',
  any_in: 'anyIn',
  all_in: 'allIn',
};

const LIST_OPS = new Set(['in', 'not_in', 'notIn', 'any_in', 'all_in']);

function one(parameter: string, raw: Raw): string {
  if (Array.isArray(raw)) {
    if (raw.length !== 1) throw bad(parameter, 'Give this parameter once');
    return one(parameter, raw[0]!);
  }
  if (raw.length > MAX_PARAM_CHARS) throw bad(parameter, `At most ${MAX_PARAM_CHARS} characters`);
  return raw;
}

/** A list: repeated (`[]`) parameters, or one comma-separated value. */
function many(parameter: string, raw: Raw): string[] {
  const values = Array.isArray(raw) ? raw.map((v) => one(parameter, v)) : one(parameter, raw).split(',');
  const list = values.map((v) => v.trim()).filter((v) => v !== '');
  if (list.length > MAX_LIST) throw bad(parameter, `At most ${MAX_LIST} values`);
  return list;
}

function flag(parameter: string, raw: Raw): boolean {
  const value = one(parameter, raw);
  if (value !== 'true' && value !== 'false') throw bad(parameter, 'Must be true or false');
  return value === 'true';
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;
const STATUSES = new Set(['draft', 'updated', 'published']);

/** One operand, as stored values compare with it (date-times in UTC, as records store them). */
function operand(parameter: string, kind: Kind, value: string): unknown {
  switch (kind) {
    case 'integer':
    case 'position':
      if (!/^-?\d{1,15}$/.test(value)) throw bad(parameter, 'Must be an integer');
      return Number(value);
    case 'number': {
      const n = Number(value);
      if (value.trim() === '' || !Number.isFinite(n)) throw bad(parameter, 'Must be a number');
      return n;
    }
    case 'boolean':
      return flag(parameter, value);
    case 'date':
      if (!DATE.test(value) || Number.isNaN(Date.parse(`${value}T00:00:00Z`))) throw bad(parameter, 'Must be a date (YYYY-MM-DD)');
      return value;
    case 'datetime':
      if (!DATETIME.test(value) || Number.isNaN(Date.parse(value))) throw bad(parameter, 'Must be an ISO-8601 date-time with an offset');
      return new Date(value).toISOString();
    case 'status':
      if (!STATUSES.has(value)) throw bad(parameter, 'Must be draft, updated or published');
      return value;
    case 'id':
    case 'parent':
    case 'link':
    case 'links':
      if (!/^\d{1,15}$/.test(value)) throw bad(parameter, 'Must be a record id');
      return value;
    default:
      return value;
  }
}

interface Target {
  readonly ref: ValueRef;
  readonly kind: Kind;
}

/** The model a field name is looked up in: the one `filter[type]` names. */
function targetOf(parameter: string, name: string, model: ItemType | undefined): Target {
  const meta = META[name];
  if (meta) return { ref: { kind: 'system', name: meta[0] }, kind: meta[1] };
  if (UNSUPPORTED_META.has(name)) throw bad(parameter, `Filtering or ordering by ${name} is not supported`);
  if (!model) throw bad(parameter, 'Model fields can be used only with filter[type] naming exactly one model');
  const field = model.fields.find((f) => f.api_key === name);
  if (!field) throw bad(parameter, `The model ${model.apiKey} has no field ${JSON.stringify(name)}`);
  return { ref: { kind: 'field', apiKey: field.api_key, fieldType: field.field_type }, kind: FIELD_KINDS[field.field_type] };
}

/** The conditions of one field's operators, from `filter[fields][<name>][<op>](…)` entries. */
function fieldConditions(
  name: string,
  entries: readonly { op: string; rest: readonly string[]; raw: Raw; parameter: string }[],
  model: ItemType | undefined,
): Condition[] {
  const target = targetOf(entries[0]!.parameter, name, model);
  const allowed = OPERATORS[target.kind];
  const conditions: Condition[] = [];
  const test = (op: FilterOp, arg: unknown): Condition => ({ kind: 'test', ref: target.ref, op, arg });
  const byOp = new Map<string, typeof entries>();
  for (const entry of entries) byOp.set(entry.op, [...(byOp.get(entry.op) ?? []), entry]);
  for (const [op, group] of byOp) {
    const parameter = `filter[fields][${name}][${op}]`;
    const canonical = op === 'notIn' ? 'not_in' : op;
    if (!allowed.includes(canonical)) {
      throw bad(parameter, `${name} takes the operators ${allowed.join(', ')}${op === 'near' ? ' (near is not supported)' : ''}`);
    }
    if (op === 'matches' || op === 'not_matches') {
      const parts = new Map(group.map((e) => [e.rest.join(']['), e]));
      for (const key of parts.keys()) {
        if (key === '') throw bad(parameter, `Give ${op}[pattern], and optionally ${op}[case_sensitive]`);
        if (!['pattern', 'case_sensitive', 'regexp'].includes(key)) throw bad(`${parameter}[${key}]`, 'Unknown member');
      }
      const pattern = parts.get('pattern');
      if (!pattern) throw bad(`${parameter}[pattern]`, 'A pattern is required');
      const regexp = parts.get('regexp');
      if (regexp && flag(regexp.parameter, regexp.raw)) throw bad(regexp.parameter, 'Regular expressions are not supported; patterns match as substrings');
      const sensitive = parts.get('case_sensitive');
      const arg = { pattern: one(pattern.parameter, pattern.raw), caseSensitive: sensitive ? flag(sensitive.parameter, sensitive.raw) : false };
      conditions.push(test(OP_NAMES[op]!, arg));
      continue;
    }
    const entry = group[0]!;
    if (group.length > 1 || entry.rest.some((r) => r !== '')) throw bad(entry.parameter, 'Malformed parameter');
    if (op === 'is_blank' || op === 'is_present' || op === 'exists') {
      const yes = flag(parameter, entry.raw);
      conditions.push(test('exists', op === 'is_blank' ? !yes : yes));
      continue;
    }
    // `links` takes lists for eq; every list operator takes a list.
    if (LIST_OPS.has(op) || (target.kind === 'links' && op === 'eq')) {
      conditions.push(
        test(
          OP_NAMES[op]!,
          many(parameter, entry.raw).map((v) => operand(parameter, target.kind, v)),
        ),
      );
      continue;
    }
    conditions.push(test(OP_NAMES[op]!, operand(parameter, target.kind, one(parameter, entry.raw))));
  }
  return conditions;
}

/** `filter[query]`: a case-insensitive substring of any string, text or slug field of the record's model. */
function textSearch(text: string, models: readonly ItemType[]): Condition {
  const perModel: Condition[] = models.flatMap((model) => {
    const fields = model.fields.filter((f) => f.field_type === 'string' || f.field_type === 'text' || f.field_type === 'slug');
    if (fields.length === 0) return [];
    const tests: Condition[] = fields.map((f) => ({
      kind: 'test',
      ref: { kind: 'field', apiKey: f.api_key, fieldType: f.field_type },
      op: 'matches',
      arg: { pattern: text, caseSensitive: false },
    }));
    return [
      {
        kind: 'and',
        conditions: [
          { kind: 'itemTypes', ids: [model.id] },
          { kind: 'or', conditions: tests },
        ],
      },
    ];
  });
  return { kind: 'or', conditions: perModel };
}

function orderKeys(raw: Raw, model: ItemType | undefined): OrderKey[] {
  return many('order_by', raw).map((entry) => {
    const match = /^(.+)_(ASC|DESC)$/.exec(entry);
    if (!match) throw bad('order_by', `${JSON.stringify(entry)} is not <field>_ASC or <field>_DESC`);
    const name = match[1]!;
    const target = targetOf('order_by', name, model);
    const orderable = target.ref.kind === 'system' ? ORDERABLE_META.has(name) : ORDERABLE.has(target.ref.fieldType);
    if (!orderable) throw bad('order_by', `Records cannot be ordered by ${name}`);
    return { ref: target.ref, direction: match[2] === 'DESC' ? 'desc' : 'asc' };
  });
}

const FIELD_PARAM = /^filter\[fields\]((?:\[[^\][]*\])+)$/;

/** Parses the query of `GET /items`; `types`: every model, by id. */
export function parseItemListQuery(query: Readonly<Record<string, unknown>>, types: ReadonlyMap<string, ItemType>): ItemListParams {
  const fields = new Map<string, { op: string; rest: string[]; raw: Raw; parameter: string }[]>();
  const plain: Record<string, Raw> = {};
  for (const [parameter, value] of Object.entries(query)) {
    const raw = value as Raw;
    if (typeof raw !== 'string' && !(Array.isArray(raw) && raw.every((v) => typeof v === 'string'))) throw bad(parameter, 'Malformed parameter');
    const field = FIELD_PARAM.exec(parameter);
    if (field) {
      const segments = [...field[1]!.matchAll(/\[([^\][]*)\]/g)].map((m) => m[1]!);
      const [name, op, ...rest] = segments;
      if (!name || !op) throw bad(parameter, 'Expected filter[fields][<field>][<operator>]');
      fields.set(name, [...(fields.get(name) ?? []), { op, rest, raw, parameter }]);
      continue;
    }
    plain[parameter] = raw;
  }
  const known = new Set([
    'filter[type]',
    'filter[ids]',
    'filter[parent]',
    'filter[query]',
    'order_by',
    'version',
    'nested',
    'locale',
    'page[offset]',
    'page[limit]',
  ]);
  for (const parameter of Object.keys(plain)) if (!known.has(parameter)) throw bad(parameter, 'Unknown parameter');

  const itemTypeIds = plain['filter[type]'] !== undefined ? itemTypeIdsFor(types.values(), many('filter[type]', plain['filter[type]'])) : undefined;
  const model = itemTypeIds?.length === 1 ? types.get(itemTypeIds[0]!) : undefined;
  const ids = plain['filter[ids]'] !== undefined ? many('filter[ids]', plain['filter[ids]']) : undefined;

  let parentId: string | null | undefined;
  if (plain['filter[parent]'] !== undefined) {
    const parent = one('filter[parent]', plain['filter[parent]']);
    if (!/^(\d{1,15}|null)$/.test(parent)) throw bad('filter[parent]', 'an item id or null');
    parentId = parent === 'null' ? null : parent;
  }

  const conditions: Condition[] = [];
  for (const [name, entries] of fields) conditions.push(...fieldConditions(name, entries, model));
  if (plain['filter[query]'] !== undefined) {
    const text = one('filter[query]', plain['filter[query]']).trim();
    if (text !== '') conditions.push(textSearch(text, itemTypeIds ? itemTypeIds.map((id) => types.get(id)!) : [...types.values()]));
  }

  let version: ContentVersion = 'current';
  if (plain.version !== undefined) {
    const v = one('version', plain.version);
    if (v !== 'current' && v !== 'published') throw bad('version', 'Must be current or published');
    version = v;
  }
  // No modular content here, so the nested form is the plain one; the locale is the project's only one.
  if (plain.nested !== undefined) flag('nested', plain.nested);
  if (plain.locale !== undefined && !/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/.test(one('locale', plain.locale))) throw bad('locale', 'Must be a locale code');

  const offset = plain['page[offset]'] !== undefined ? one('page[offset]', plain['page[offset]']) : '0';
  if (!/^\d{1,10}$/.test(offset)) throw bad('page[offset]', 'Must be a non-negative integer');
  const limit = plain['page[limit]'] !== undefined ? one('page[limit]', plain['page[limit]']) : String(PAGE_LIMIT_DEFAULT);
  if (!/^\d{1,4}$/.test(limit) || Number(limit) < 1 || Number(limit) > PAGE_LIMIT_MAX)
    throw bad('page[limit]', `Must be an integer from 1 to ${PAGE_LIMIT_MAX}`);

  return {
    ...(itemTypeIds ? { itemTypeIds } : {}),
    ...(ids ? { ids } : {}),
    ...(parentId !== undefined ? { parentId } : {}),
    ...(conditions.length > 0 ? { where: { kind: 'and', conditions } } : {}),
    ...(plain.order_by !== undefined ? { orderBy: orderKeys(plain.order_by, model) } : {}),
    version,
    offset: Number(offset),
    limit: Number(limit),
  };
}
