/**
 * @module
 * Field definitions and field values: what an item type may declare and what an item may hold.
 * Every rejection is an INVALID_FIELD naming the field, so a client sees exactly what to fix.
 */
import { ApiProblem } from '../errors.ts';
import { API_KEY_PATTERN } from './naming.ts';
import { FIELD_TYPES, type FieldDefinition, type FieldType, type FieldValues } from './model.ts';

/** Names the APIs already use for an item's own data (attributes and GraphQL system fields). */
const RESERVED = new Set(['id', 'type', 'parent_id', 'position', 'parent', 'children', 'item_type', 'creator', 'meta']);
const INT32 = 2 ** 31;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;
const ITEM_ID = /^[1-9][0-9]{0,14}$/;
const STRING_MAX = 1_000;

const invalid = (field: string, code: string, message: string) => new ApiProblem('INVALID_FIELD', { field, code, message });
const wrong = (field: string, expected: string) => invalid(field, 'VALIDATION_TYPE', `${field} must be ${expected}`);

export function isApiKey(value: string): boolean {
  return value.length <= 64 && API_KEY_PATTERN.test(value) && !RESERVED.has(value);
}

/** Checks a model's field list: well-formed, unique api keys, known types. */
export function validateFieldDefinitions(fields: readonly FieldDefinition[]): void {
  const seen = new Set<string>();
  for (const [index, field] of fields.entries()) {
    const where = `fields/${index}`;
    if (!isApiKey(field.api_key)) {
      throw invalid(`${where}/api_key`, 'VALIDATION_FORMAT', `${JSON.stringify(field.api_key)} is not a usable api_key (snake_case words starting with a letter; not a reserved name)`);
    }
    if (seen.has(field.api_key)) throw invalid(`${where}/api_key`, 'VALIDATION_UNIQUENESS', `Two fields are named ${field.api_key}`);
    seen.add(field.api_key);
    if (!(FIELD_TYPES as readonly string[]).includes(field.field_type)) {
      throw invalid(`${where}/field_type`, 'VALIDATION_INCLUSION', `field_type must be one of ${FIELD_TYPES.join(', ')}`);
    }
  }
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
    case 'datetime':
      if (typeof value !== 'string' || !DATETIME.test(value) || !isValidDate(value)) throw wrong(field, 'an ISO-8601 date-time with an offset');
      return new Date(value).toISOString();
    case 'json':
      return value;
    case 'link':
      if (typeof value !== 'string' || !ITEM_ID.test(value)) throw wrong(field, 'the id of an item');
      return value;
  }
}

/**
 * The full value set of an item after a create (`previous` null) or an update (`previous` the
 * current values): unknown keys are refused, omitted fields keep their value (or are null on
 * create), and required fields must end up non-null.
 */
export function validateValues(fields: readonly FieldDefinition[], given: FieldValues, previous: FieldValues | null): Record<string, unknown> {
  const known = new Map(fields.map((f) => [f.api_key, f]));
  for (const key of Object.keys(given)) {
    if (!known.has(key)) throw invalid(key, 'VALIDATION_UNKNOWN', `The model has no field ${JSON.stringify(key)}`);
  }
  const values: Record<string, unknown> = {};
  for (const field of fields) {
    const raw = Object.hasOwn(given, field.api_key) ? given[field.api_key] : (previous?.[field.api_key] ?? null);
    if (raw === null || raw === undefined) {
      if (field.required) throw invalid(field.api_key, 'VALIDATION_REQUIRED', `${field.api_key} is required`);
      values[field.api_key] = null;
      continue;
    }
    values[field.api_key] = checkValue(field.api_key, field.field_type, raw);
  }
  return values;
}

/** Ids a value set links to, for the existence check the store has to make. */
export function linkedIds(fields: readonly FieldDefinition[], values: FieldValues): { field: string; id: string }[] {
  return fields
    .filter((f) => f.field_type === 'link' && typeof values[f.api_key] === 'string')
    .map((f) => ({ field: f.api_key, id: values[f.api_key] as string }));
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
