/**
 * @module
 * Field definitions and field values: what an item type may declare and what an item may hold.
 * Every rejection is an INVALID_FIELD naming the field, so a client sees exactly what to fix.
 */
import { ApiProblem } from '../errors.ts';
import { API_KEY_PATTERN } from './naming.ts';
import { FIELD_TYPES, type FieldAppearance, type FieldDefinition, type FieldType, type FieldValues, type NewField } from './model.ts';
import { checkValidators, checkValueAgainst, type ValidatorContext } from './validators.ts';

/** Names the APIs already use for an item's own data (attributes and GraphQL system fields). */
const RESERVED = new Set(['id', 'type', 'parent_id', 'position', 'parent', 'children', 'item_type', 'creator', 'meta']);
const INT32 = 2 ** 31;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;
const ITEM_ID = /^[1-9][0-9]{0,14}$/;
const STRING_MAX = 1_000;
const LINKS_MAX = 500;
/** DatoCMS's slug shape: lowercase words of letters, digits and underscores joined by single dashes. */
const SLUG = /^[a-z0-9_]+(?:-[a-z0-9_]+)*$/;
const SLUG_MAX = 200;
const TWITTER_CARDS = new Set(['summary', 'summary_large_image']);
const SEO_KEYS = new Set(['title', 'description', 'image', 'twitter_card', 'no_index']);

const invalid = (field: string, code: string, message: string) => new ApiProblem('INVALID_FIELD', { field, code, message });
const wrong = (field: string, expected: string) => invalid(field, 'VALIDATION_TYPE', `${field} must be ${expected}`);

export function isApiKey(value: string): boolean {
  return value.length <= 64 && API_KEY_PATTERN.test(value) && !RESERVED.has(value);
}

/** What a client sends for a field; its type and validators are checked by {@link checkField}. */
export interface FieldInput {
  readonly api_key: string;
  readonly label: string;
  readonly field_type: string;
  readonly validators?: unknown;
  readonly position?: number;
  readonly hint?: string | null;
  readonly default_value?: unknown;
  readonly localized?: boolean;
  readonly appearance?: FieldAppearance;
}

/** DatoCMS's default editor per field type, returned when a client sends no appearance. */
const EDITORS: Record<FieldType, string> = {
  string: 'single_line',
  text: 'textarea',
  integer: 'integer',
  float: 'float',
  boolean: 'boolean',
  date: 'date_picker',
  date_time: 'date_time_picker',
  json: 'json',
  link: 'link_select',
  links: 'links_select',
  slug: 'slug',
  color: 'color_picker',
  lat_lon: 'map',
  seo: 'seo',
};

export function defaultAppearance(type: FieldType): FieldAppearance {
  return { editor: EDITORS[type], parameters: {}, addons: [] };
}

export function isFieldType(type: string): type is FieldType {
  return (FIELD_TYPES as readonly string[]).includes(type);
}

/**
 * One field as it will be stored, or an INVALID_FIELD naming what is wrong: a usable api_key, a
 * supported type (DatoCMS's other types, e.g. `file` or `structured_text`, are named in the refusal),
 * validators that fit the type, a default value of the type's shape, and no localisation (a project
 * has one locale). `where` prefixes the pointer (`fields/2/` for a model's inline list).
 */
export function checkField(input: FieldInput, position: number, context: ValidatorContext, where = '', linksToAnyModel = false): NewField {
  if (!isApiKey(input.api_key)) {
    throw invalid(
      `${where}api_key`,
      'VALIDATION_FORMAT',
      `${JSON.stringify(input.api_key)} is not a usable api_key (snake_case words starting with a letter; not a reserved name)`,
    );
  }
  const type = input.field_type;
  if (!isFieldType(type)) {
    throw invalid(
      `${where}field_type`,
      'VALIDATION_INCLUSION',
      `The field type ${JSON.stringify(type)} is not supported; supported: ${FIELD_TYPES.join(', ')}`,
    );
  }
  if (input.localized === true) throw invalid(`${where}localized`, 'VALIDATION_INCLUSION', 'A project has one locale: fields cannot be localized');
  const validators = checkValidators(type, input.validators ?? {}, context, `${where}validators`, linksToAnyModel);
  const defaultValue = input.default_value ?? null;
  if (defaultValue !== null) {
    try {
      checkValue(`${where}default_value`, type, defaultValue);
      checkValueAgainst(`${where}default_value`, validators, defaultValue);
    } catch (problem) {
      if (problem instanceof ApiProblem)
        throw invalid(`${where}default_value`, 'VALIDATION_TYPE', `default_value does not fit the field: ${String(problem.details.message ?? '')}`);
      throw problem;
    }
  }
  return {
    api_key: input.api_key,
    label: input.label,
    field_type: type,
    validators,
    position,
    hint: input.hint ?? null,
    default_value: defaultValue,
    localized: false,
    appearance: input.appearance ?? defaultAppearance(type),
  };
}

function isValidDate(text: string): boolean {
  const ms = Date.parse(text.length === 10 ? `${text}T00:00:00Z` : text);
  return !Number.isNaN(ms) && (text.length !== 10 || new Date(ms).toISOString().startsWith(text));
}

/**
 * One value against its type; returns the stored form (datetimes normalised to UTC). `wrong`
 * takes the field rather than closing over it: every field of every record read is checked, and a
 * closure per check is measurable on a single read.
 */
function checkValue(field: string, type: FieldType, value: unknown): unknown {
  switch (type) {
    case 'string':
      if (typeof value !== 'string' || value.length > STRING_MAX) throw wrong(field, `a string of at most ${STRING_MAX} characters`);
      return value;
    case 'text':
      if (typeof value !== 'string') throw wrong(field, 'a string');
      return value;
    case 'integer':
      if (typeof value !== 'number' || !Number.isInteger(value) || value < -INT32 || value >= INT32) throw wrong(field, 'a 32-bit integer');
      return value;
    case 'float':
      if (typeof value !== 'number' || !Number.isFinite(value)) throw wrong(field, 'a finite number');
      return value;
    case 'boolean':
      if (typeof value !== 'boolean') throw wrong(field, 'true or false');
      return value;
    case 'date':
      if (typeof value !== 'string' || !DATE.test(value) || !isValidDate(value)) throw wrong(field, 'a date (YYYY-MM-DD)');
      return value;
    case 'date_time':
      if (typeof value !== 'string' || !DATETIME.test(value) || !isValidDate(value)) throw wrong(field, 'an ISO-8601 date-time with an offset');
      return new Date(value).toISOString();
    case 'json':
      return value;
    case 'link':
      if (typeof value !== 'string' || !ITEM_ID.test(value)) throw wrong(field, 'the id of an item');
      return value;
    case 'links':
      if (
        !Array.isArray(value) ||
        value.length > LINKS_MAX ||
        !value.every((id) => typeof id === 'string' && ITEM_ID.test(id)) ||
        new Set(value).size !== value.length
      ) {
        throw wrong(field, `a list of at most ${LINKS_MAX} distinct item ids`);
      }
      return value;
    case 'slug':
      if (typeof value !== 'string' || value.length > SLUG_MAX || !SLUG.test(value))
        throw wrong(field, 'a slug (lowercase letters, digits, underscores and single dashes)');
      return value;
    case 'color':
      if (!isRecord(value) || !hasOnly(value, ['red', 'green', 'blue', 'alpha']) || !['red', 'green', 'blue', 'alpha'].every((c) => isByte(value[c]))) {
        throw wrong(field, 'a colour {red, green, blue, alpha} with integers from 0 to 255');
      }
      return value;
    case 'lat_lon':
      if (!isRecord(value) || !hasOnly(value, ['latitude', 'longitude']) || !inRange(value.latitude, 90) || !inRange(value.longitude, 180)) {
        throw wrong(field, 'a position {latitude, longitude} in degrees');
      }
      return value;
    case 'seo':
      if (!isRecord(value) || !Object.keys(value).every((k) => SEO_KEYS.has(k)) || !isSeo(value)) {
        throw wrong(field, 'SEO metadata {title, description, image, twitter_card, no_index}');
      }
      return value;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
const hasOnly = (value: Record<string, unknown>, keys: readonly string[]) =>
  Object.keys(value).length === keys.length && keys.every((k) => Object.hasOwn(value, k));
const isByte = (n: unknown) => typeof n === 'number' && Number.isInteger(n) && n >= 0 && n <= 255;
const inRange = (n: unknown, limit: number) => typeof n === 'number' && Number.isFinite(n) && n >= -limit && n <= limit;
const optionalText = (v: unknown) => v === undefined || v === null || (typeof v === 'string' && v.length <= STRING_MAX);
function isSeo(value: Record<string, unknown>): boolean {
  return (
    optionalText(value.title) &&
    optionalText(value.description) &&
    (value.image === undefined || value.image === null || (typeof value.image === 'string' && ITEM_ID.test(value.image))) &&
    (value.twitter_card === undefined || value.twitter_card === null || TWITTER_CARDS.has(value.twitter_card as string)) &&
    (value.no_index === undefined || value.no_index === null || typeof value.no_index === 'boolean')
  );
}

/**
 * The full value set of an item after a create (`previous` null) or an update (`previous` the
 * current values): unknown keys are refused, omitted fields keep their value (or take the field's
 * default on create), fields with the `required` validator must end up non-null, and every value
 * meets its type and its field's validators.
 */
export function validateValues(fields: readonly FieldDefinition[], given: FieldValues, previous: FieldValues | null): Record<string, unknown> {
  const known = new Map(fields.map((f) => [f.api_key, f]));
  for (const key of Object.keys(given)) {
    if (!known.has(key)) throw invalid(key, 'VALIDATION_UNKNOWN', `The model has no field ${JSON.stringify(key)}`);
  }
  const values: Record<string, unknown> = {};
  for (const field of fields) {
    const raw = Object.hasOwn(given, field.api_key) ? given[field.api_key] : previous ? (previous[field.api_key] ?? null) : field.default_value;
    if (raw === null || raw === undefined) {
      if (field.validators.required) throw invalid(field.api_key, 'VALIDATION_REQUIRED', `${field.api_key} is required`);
      values[field.api_key] = null;
      continue;
    }
    const value = checkValue(field.api_key, field.field_type, raw);
    checkValueAgainst(field.api_key, field.validators, value);
    values[field.api_key] = value;
  }
  return values;
}

/** Whether a stored value still fits its field's type (a model may change after records were written). */
export function conforms(type: FieldType, value: unknown): boolean {
  if (value === null || value === undefined) return false;
  try {
    checkValue('value', type, value);
    return true;
  } catch {
    return false;
  }
}
