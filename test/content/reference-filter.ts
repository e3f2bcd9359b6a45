/**
 * The in-memory filter and order the delivery API used before they moved into SQL, kept as the
 * reference the SQL compiler is checked against (test/content/filters.property.test.ts).
 */

/** A record as the reference reads it: its id and a reader per GraphQL field name. */
export interface Readable {
  readonly item: { readonly id: string };
}
export type Accessors = ReadonlyMap<string, (record: Readable) => unknown>;

type Condition = Readonly<Record<string, unknown>>;
export interface RecordFilter {
  readonly AND?: readonly (RecordFilter | null)[] | null;
  readonly OR?: readonly (RecordFilter | null)[] | null;
  readonly [field: string]: unknown;
}

const present = (value: unknown) => value !== null && value !== undefined && value !== '';

function compare(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  return String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0;
}

const MINUTE = 60_000;
const minuteOf = (at: unknown) => {
  const ms = Date.parse(String(at));
  return ms - (ms % MINUTE);
};

/** The haversine distance in metres between two points given in degrees. */
function distance(a: { latitude: number; longitude: number }, b: { latitude: number; longitude: number }): number {
  const rad = (d: number) => (d * Math.PI) / 180;
  const h =
    Math.sin((rad(a.latitude) - rad(b.latitude)) / 2) ** 2 +
    Math.cos(rad(a.latitude)) * Math.cos(rad(b.latitude)) * Math.sin((rad(a.longitude) - rad(b.longitude)) / 2) ** 2;
  return 2 * 6_371_008.8 * Math.asin(Math.sqrt(Math.min(h, 1)));
}

/** DatoCMS's operators on a `links` value (a list of ids). */
function meetsLinks(value: unknown, op: string, arg: unknown): boolean {
  if (op === 'exists') return present(value) === arg;
  // A list of ids holds strings only; anything else links to nothing.
  const list = Array.isArray(value) && value.every((id) => typeof id === 'string') ? (value as string[]) : null;
  const ids = (Array.isArray(arg) ? (arg as unknown[]) : [arg]).filter((id) => id !== null).map(String);
  switch (op) {
    case 'eq':
      return list !== null && JSON.stringify(list) === JSON.stringify([...new Set(ids)]);
    case 'anyIn':
      return list !== null && ids.some((id) => list.includes(id));
    case 'allIn':
      return ids.every((id) => list?.includes(id));
    case 'notIn':
      return !(list !== null && ids.some((id) => list.includes(id)));
    default:
      return false;
  }
}

/**
 * DatoCMS's semantics on top of the plain operators, for a value of field type `kind`: a boolean's
 * `eq: false` takes a missing value too; date-time arguments are truncated to the minute (`eq`:
 * within that minute).
 */
function meetsTyped(value: unknown, op: string, arg: unknown, kind: string | undefined): boolean | undefined {
  if (kind === 'links') return meetsLinks(value, op, arg);
  if (op === 'near') {
    const near = arg as { latitude: number; longitude: number; radius: number };
    return kind === 'lat_lon' && value !== null && typeof value === 'object' && distance(value as { latitude: number; longitude: number }, near) <= near.radius;
  }
  if (kind === 'boolean' && op === 'eq' && arg === false) return value === false || !present(value);
  if (kind === 'date_time' && ['eq', 'neq', 'gt', 'gte', 'lt', 'lte'].includes(op)) {
    const start = minuteOf(arg);
    const at = present(value) ? Date.parse(String(value)) : null;
    switch (op) {
      case 'eq':
        return at !== null && at >= start && at < start + MINUTE;
      case 'neq':
        return at === null || at < start || at >= start + MINUTE;
      case 'gt':
        return at !== null && at > start;
      case 'gte':
        return at !== null && at >= start;
      case 'lt':
        return at !== null && at < start;
      default:
        return at !== null && at <= start;
    }
  }
  return undefined;
}

function substring(value: unknown, arg: unknown): boolean {
  const { pattern, caseSensitive } = arg as { pattern: string; caseSensitive?: boolean };
  if (typeof value !== 'string') return false;
  return caseSensitive ? value.includes(pattern) : value.toLowerCase().includes(pattern.toLowerCase());
}

function meets(value: unknown, condition: Condition, kind?: string): boolean {
  for (const [op, arg] of Object.entries(condition)) {
    if (arg === undefined || arg === null) continue;
    const ok = (() => {
      const typed = meetsTyped(value, op, arg, kind);
      if (typed !== undefined) return typed;
      switch (op) {
        case 'eq':
          return value === arg;
        case 'neq':
          return value !== arg;
        case 'in':
          return value !== null && (arg as unknown[]).includes(value);
        case 'notIn':
          return value === null || !(arg as unknown[]).includes(value);
        case 'gt':
          return present(value) && compare(value, arg) > 0;
        case 'gte':
          return present(value) && compare(value, arg) >= 0;
        case 'lt':
          return present(value) && compare(value, arg) < 0;
        case 'lte':
          return present(value) && compare(value, arg) <= 0;
        case 'exists':
          return present(value) === arg;
        case 'isBlank':
          return present(value) !== arg;
        case 'isPresent':
          return present(value) === arg;
        case 'matches':
          return substring(value, arg);
        case 'notMatches':
          return !substring(value, arg);
        default:
          return false;
      }
    })();
    if (!ok) return false;
  }
  return true;
}

/** `kinds`: the field type of each filtered name, for DatoCMS's type-specific semantics. */
export function matches(
  record: Readable,
  filter: RecordFilter | null | undefined,
  accessors: Accessors,
  kinds: ReadonlyMap<string, string> = new Map(),
): boolean {
  if (!filter) return true;
  for (const [key, condition] of Object.entries(filter)) {
    if (condition === null || condition === undefined) continue;
    if (key === 'AND') {
      if (!(condition as (RecordFilter | null)[]).every((f) => matches(record, f, accessors, kinds))) return false;
    } else if (key === 'OR') {
      if (!(condition as (RecordFilter | null)[]).some((f) => matches(record, f, accessors, kinds))) return false;
    } else {
      const read = accessors.get(key);
      if (!read || !meets(read(record), condition as Condition, kinds.get(key))) return false;
    }
  }
  return true;
}

/** `title_ASC`, `_createdAt_DESC`…; nulls last either way; ties broken by id. */
export function order(records: Readable[], orderBy: readonly string[] | null | undefined, accessors: Accessors): Readable[] {
  const keys = (orderBy ?? []).map((entry) => {
    const at = entry.lastIndexOf('_');
    return { read: accessors.get(entry.slice(0, at)), sign: entry.slice(at + 1) === 'DESC' ? -1 : 1 };
  });
  return [...records].sort((a, b) => {
    for (const { read, sign } of keys) {
      if (!read) continue;
      const va = read(a);
      const vb = read(b);
      if (!present(va) || !present(vb)) {
        if (present(va) !== present(vb)) return present(va) ? -1 : 1;
        continue;
      }
      const c = compare(va, vb);
      if (c !== 0) return sign * c;
    }
    return Number(a.item.id) - Number(b.item.id);
  });
}
