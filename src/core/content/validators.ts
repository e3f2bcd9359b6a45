/**
 * @module
 * DatoCMS's field validators: which field types take which validator, the shape of each one's
 * parameters (checked when a field is written, so a record never meets a malformed rule) and what
 * each demands of a value (checked on every save). The checks that need the store (`unique`, the
 * linked records' models) live in `record-checks.ts`; `required` is judged in `validateValues`.
 */
import { ApiProblem } from '../errors.ts';
import type { FieldType, Validators } from './model.ts';

type Params = Readonly<Record<string, unknown>>;

/** Each validator and the field types DatoCMS allows it on. */
export const VALIDATOR_TYPES = {
  required: ['string', 'text', 'integer', 'float', 'date', 'date_time', 'json', 'link', 'slug', 'color', 'lat_lon', 'seo'],
  unique: ['string', 'integer', 'float', 'date', 'date_time', 'slug'],
  length: ['string', 'text', 'slug'],
  number_range: ['integer', 'float'],
  format: ['string', 'text'],
  enum: ['string'],
  item_item_type: ['link'],
  items_item_type: ['links'],
  size: ['links'],
  date_range: ['date'],
  date_time_range: ['date_time'],
  slug_format: ['slug'],
  slug_title_field: ['slug'],
} as const satisfies Record<string, readonly FieldType[]>;
export type ValidatorName = keyof typeof VALIDATOR_TYPES;

/** Validators a field type cannot go without, as in DatoCMS: a link names the models it may point at. */
const MANDATORY: Partial<Record<FieldType, ValidatorName>> = { link: 'item_item_type', links: 'items_item_type' };

/** A user-written pattern runs against every saved value, so it is kept short and free of the shapes that backtrack exponentially. */
export const CUSTOM_PATTERN_MAX = 200;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const ON_PUBLISH = ['fail', 'publish_references'];
const ON_UNPUBLISH = ['fail', 'unpublish', 'delete_references'];
const ON_DELETE = ['fail', 'delete_references'];

/** What a validator's parameters may name besides literals: the project's models and this model's fields. */
export interface ValidatorContext {
  readonly itemTypeIds: ReadonlySet<string>;
  /** The model's fields by id with their type (for `slug_title_field`). */
  readonly fields: ReadonlyMap<string, FieldType>;
}

const misplaced = (where: string, message: string) => new ApiProblem('INVALID_FIELD', { field: where, code: 'VALIDATION_INVALID_VALIDATOR', message });

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isCount = (v: unknown) => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 1_000_000;
const isNumber = (v: unknown) => typeof v === 'number' && Number.isFinite(v);
const isDateTime = (v: unknown) => typeof v === 'string' && v.length <= 40 && !Number.isNaN(Date.parse(v)) && v.includes('T');
const isDate = (v: unknown) => typeof v === 'string' && DATE.test(v) && !Number.isNaN(Date.parse(`${v}T00:00:00Z`));
const present = (p: Params, key: string) => p[key] !== undefined && p[key] !== null;

/**
 * Checks a field's validators against its type and their parameter shapes; returns them as
 * stored (parameters with null members dropped). A malformed, unknown or misplaced validator is
 * refused naming it, and a link without the model list DatoCMS requires is refused too, unless
 * `linksToAnyModel`: a link field stored before validators existed, which may stay as it was.
 */
export function checkValidators(type: FieldType, given: unknown, context: ValidatorContext, where = 'validators', linksToAnyModel = false): Validators {
  if (!isObject(given)) throw misplaced(where, 'validators must be an object of validator name → parameters');
  const result: Record<string, Params> = {};
  for (const [name, raw] of Object.entries(given)) {
    const at = `${where}/${name}`;
    if (!Object.hasOwn(VALIDATOR_TYPES, name))
      throw misplaced(at, `Unknown validator ${JSON.stringify(name)}; known: ${Object.keys(VALIDATOR_TYPES).join(', ')}`);
    const allowed: readonly FieldType[] = VALIDATOR_TYPES[name as ValidatorName];
    if (!allowed.includes(type)) throw misplaced(at, `The ${name} validator applies to ${allowed.join(', ')} fields, not ${type}`);
    if (!isObject(raw)) throw misplaced(at, `The ${name} validator takes an object of parameters`);
    const params = Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== null && v !== undefined));
    const problem = paramProblem(name as ValidatorName, params, context);
    if (problem) throw misplaced(at, `${name}: ${problem}`);
    result[name] = params;
  }
  const mandatory = MANDATORY[type];
  if (mandatory && !result[mandatory] && !linksToAnyModel)
    throw misplaced(`${where}/${mandatory}`, `A ${type} field needs the ${mandatory} validator naming the models it may point at`);
  return result;
}

function only(params: Params, keys: readonly string[]): string | null {
  const extra = Object.keys(params).filter((k) => !keys.includes(k));
  return extra.length > 0 ? `unknown parameter ${extra.join(', ')} (takes ${keys.join(', ') || 'none'})` : null;
}

function bounds(
  params: Params,
  keys: readonly string[],
  valid: (v: unknown) => boolean,
  what: string,
  compare: (a: unknown, b: unknown) => number,
): string | null {
  const keyProblem = only(params, keys);
  if (keyProblem) return keyProblem;
  if (keys.every((k) => !present(params, k))) return `give at least one of ${keys.join(', ')}`;
  for (const k of keys) if (present(params, k) && !valid(params[k])) return `${k} must be ${what}`;
  if (present(params, 'eq') && (present(params, 'min') || present(params, 'max'))) return 'eq excludes min and max';
  if (present(params, 'min') && present(params, 'max') && compare(params.min, params.max) > 0) return 'min is greater than max';
  return null;
}

const byNumber = (a: unknown, b: unknown) => (a as number) - (b as number);
const byTime = (a: unknown, b: unknown) => Date.parse(a as string) - Date.parse(b as string);
const byText = (a: unknown, b: unknown) => ((a as string) < (b as string) ? -1 : (a as string) > (b as string) ? 1 : 0);

function paramProblem(name: ValidatorName, p: Params, context: ValidatorContext): string | null {
  switch (name) {
    case 'required':
    case 'unique':
      return only(p, []);
    case 'length':
      return bounds(p, ['min', 'max', 'eq'], isCount, 'a whole number from 0', byNumber);
    case 'size':
      return (
        bounds(p, ['min', 'max', 'eq', 'multiple_of'], isCount, 'a whole number from 0', byNumber) ??
        (p.multiple_of === 0 ? 'multiple_of must be at least 1' : null)
      );
    case 'number_range':
      return bounds(p, ['min', 'max'], isNumber, 'a finite number', byNumber);
    case 'date_range':
      return bounds(p, ['min', 'max'], isDate, 'a date (YYYY-MM-DD)', byText);
    case 'date_time_range':
      return bounds(p, ['min', 'max'], isDateTime, 'an ISO-8601 date-time', byTime);
    case 'format':
      return patternProblem(p, ['email', 'url']);
    case 'slug_format':
      return patternProblem(p, ['webpage_slug']);
    case 'enum': {
      const values = p.values;
      if (only(p, ['values'])) return only(p, ['values']);
      if (!Array.isArray(values) || values.length === 0 || values.length > 500 || !values.every((v) => typeof v === 'string' && v.length <= 1_000)) {
        return 'values must be a list of 1 to 500 strings';
      }
      return null;
    }
    case 'item_item_type':
    case 'items_item_type': {
      const keys = ['item_types', 'on_publish_with_unpublished_references_strategy', 'on_reference_unpublish_strategy', 'on_reference_delete_strategy'];
      const keyProblem = only(p, keys);
      if (keyProblem) return keyProblem;
      const ids = p.item_types;
      if (!Array.isArray(ids) || ids.length === 0 || !ids.every((id) => typeof id === 'string')) return 'item_types must be a non-empty list of model ids';
      const unknown = ids.find((id: string) => !context.itemTypeIds.has(id));
      if (unknown !== undefined) return `no model with id ${JSON.stringify(unknown)}`;
      const choice = (key: string, allowed: readonly string[]) =>
        present(p, key) && !allowed.includes(p[key] as string) ? `${key} must be one of ${allowed.join(', ')}` : null;
      return (
        choice('on_publish_with_unpublished_references_strategy', ON_PUBLISH) ??
        choice('on_reference_unpublish_strategy', ON_UNPUBLISH) ??
        choice('on_reference_delete_strategy', ON_DELETE)
      );
    }
    case 'slug_title_field': {
      const keyProblem = only(p, ['title_field_id']);
      if (keyProblem) return keyProblem;
      const type = typeof p.title_field_id === 'string' ? context.fields.get(p.title_field_id) : undefined;
      return type === 'string' ? null : 'title_field_id must name a string field of this model';
    }
  }
}

function patternProblem(p: Params, predefined: readonly string[]): string | null {
  const keyProblem = only(p, ['predefined_pattern', 'custom_pattern', 'description']);
  if (keyProblem) return keyProblem;
  if (present(p, 'predefined_pattern') === present(p, 'custom_pattern')) return 'give exactly one of predefined_pattern and custom_pattern';
  if (present(p, 'description') && typeof p.description !== 'string') return 'description must be a string';
  if (present(p, 'predefined_pattern'))
    return predefined.includes(p.predefined_pattern as string) ? null : `predefined_pattern must be one of ${predefined.join(', ')}`;
  return customPatternProblem(p.custom_pattern);
}

/**
 * A custom pattern runs on every save of every record, so one that can backtrack for exponential
 * time would let a single request hold a worker. Refused: patterns over {@link CUSTOM_PATTERN_MAX}
 * characters, backreferences and lookarounds, and any quantified group that itself holds a
 * quantifier or an alternation (`(a+)+`, `(a|a)*`), the shapes behind catastrophic backtracking.
 */
export function customPatternProblem(pattern: unknown): string | null {
  if (typeof pattern !== 'string' || pattern.length === 0) return 'custom_pattern must be a non-empty string';
  if (pattern.length > CUSTOM_PATTERN_MAX) return `custom_pattern is limited to ${CUSTOM_PATTERN_MAX} characters`;
  try {
    new RegExp(pattern);
  } catch {
    return 'custom_pattern is not a valid regular expression';
  }
  if (/\\[1-9]|\\k<|\(\?<?[=!]/.test(pattern)) return 'custom_pattern may not use backreferences or lookarounds';
  if (hasNestedQuantifier(pattern)) return 'custom_pattern may not repeat a group that holds a quantifier or an alternation (e.g. (a+)+)';
  return null;
}

/** Scans the pattern's groups: a group followed by a quantifier must hold none itself and no `|`. */
function hasNestedQuantifier(pattern: string): boolean {
  const open: { start: number; risky: boolean }[] = [];
  let risky = false; // whether the group being scanned holds a quantifier or an alternation
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') {
      i++;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      continue;
    }
    if (c === '[') inClass = true;
    else if (c === '(') {
      open.push({ start: i, risky });
      risky = false;
    } else if (c === ')') {
      const group = open.pop();
      const next = pattern[i + 1];
      // `?` alone makes a group optional, not repeated: `(-\d+)?` cannot backtrack exponentially.
      const repeated = next === '*' || next === '+' || next === '{';
      if (repeated && risky) return true;
      // The enclosing group now holds whatever this one held, and a quantifier if this one has one.
      risky = (group?.risky ?? false) || risky || repeated || next === '?';
    } else if (c === '*' || c === '+' || c === '{' || c === '|') risky = true;
    else if (c === '?' && i > 0 && pattern[i - 1] !== '(') risky = true;
  }
  return false;
}

const fail = (field: string, code: string, message: string) => new ApiProblem('INVALID_FIELD', { field, code, message });

/**
 * The validators that judge a non-null value on its own; codes as DatoCMS's record errors name
 * them. `unique` and the link validators need the store (see `record-checks.ts`).
 */
export function checkValueAgainst(field: string, validators: Validators, value: unknown): void {
  const length = validators.length;
  if (length && typeof value === 'string') {
    const n = [...value].length;
    if (
      (length.eq !== undefined && n !== length.eq) ||
      (length.min !== undefined && n < (length.min as number)) ||
      (length.max !== undefined && n > (length.max as number))
    ) {
      throw fail(field, 'VALIDATION_LENGTH', `${field} must have ${describeBounds(length)} characters`);
    }
  }
  const range = validators.number_range;
  if (
    range &&
    typeof value === 'number' &&
    ((range.min !== undefined && value < (range.min as number)) || (range.max !== undefined && value > (range.max as number)))
  ) {
    throw fail(field, 'VALIDATION_NUMBER_RANGE', `${field} must be ${describeBounds(range)}`);
  }
  for (const name of ['format', 'slug_format'] as const) {
    const format = validators[name];
    if (format && typeof value === 'string' && !matchesFormat(format, value)) {
      const described = typeof format.description === 'string' ? format.description : (format.predefined_pattern ?? `matching ${format.custom_pattern}`);
      throw fail(field, name === 'format' ? 'VALIDATION_FORMAT' : 'VALIDATION_SLUG_FORMAT', `${field} must be ${String(described)}`);
    }
  }
  const allowed = validators.enum;
  if (allowed && typeof value === 'string' && !(allowed.values as string[]).includes(value)) {
    throw fail(field, 'VALIDATION_ENUM', `${field} must be one of ${(allowed.values as string[]).join(', ')}`);
  }
  const size = validators.size;
  if (size && Array.isArray(value)) {
    const n = value.length;
    const off =
      (size.eq !== undefined && n !== size.eq) ||
      (size.min !== undefined && n < (size.min as number)) ||
      (size.max !== undefined && n > (size.max as number)) ||
      (size.multiple_of !== undefined && n % (size.multiple_of as number) !== 0);
    if (off) throw fail(field, 'VALIDATION_SIZE', `${field} must link ${describeBounds(size)} records`);
  }
  const dates = validators.date_range ?? validators.date_time_range;
  if (dates && typeof value === 'string') {
    const at = Date.parse(value.length === 10 ? `${value}T00:00:00Z` : value);
    const edge = (v: unknown) => Date.parse((v as string).length === 10 ? `${v as string}T00:00:00Z` : (v as string));
    if ((dates.min !== undefined && at < edge(dates.min)) || (dates.max !== undefined && at > edge(dates.max))) {
      throw fail(field, validators.date_range ? 'VALIDATION_DATE_RANGE' : 'VALIDATION_DATE_TIME_RANGE', `${field} must be ${describeBounds(dates)}`);
    }
  }
}

function matchesFormat(format: Params, value: string): boolean {
  switch (format.predefined_pattern) {
    case 'email':
      return EMAIL.test(value);
    case 'url':
      return isUrl(value);
    case 'webpage_slug':
      return true; // the slug type's own shape
    default:
      return new RegExp(format.custom_pattern as string).test(value);
  }
}

function isUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

function describeBounds(p: Params): string {
  if (p.eq !== undefined) return `exactly ${String(p.eq)}`;
  const parts = [p.min !== undefined ? `at least ${String(p.min)}` : null, p.max !== undefined ? `at most ${String(p.max)}` : null].filter(Boolean);
  const multiple = p.multiple_of !== undefined ? ` (a multiple of ${String(p.multiple_of)})` : '';
  return `${parts.join(' and ') || 'any number of'}${multiple}`;
}
