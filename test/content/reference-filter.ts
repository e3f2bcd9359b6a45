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
  readonly AND?: readonly RecordFilter[] | null;
  readonly OR?: readonly RecordFilter[] | null;
  readonly [field: string]: unknown;
}

const present = (value: unknown) => value !== null && value !== undefined && value !== '';

function compare(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  return String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0;
}

/** The list operators on a list of ids (a `links` value); anything but a list holds no ids. */
function meetsList(value: unknown, op: string, arg: unknown): boolean {
  const members = Array.isArray(value) ? value.map(String) : [];
  const args = [...new Set((arg as unknown[]).map(String))];
  switch (op) {
    case 'anyIn':
    case 'in':
      return args.some((a) => members.includes(a));
    case 'allIn':
      return args.every((a) => members.includes(a));
    case 'notIn':
      return !args.some((a) => members.includes(a));
    case 'eq':
      return members.length === args.length && args.every((a) => members.includes(a));
    case 'neq':
      return !(members.length === args.length && args.every((a) => members.includes(a)));
    default:
      return false;
  }
}

function matchesText(value: unknown, arg: unknown): boolean {
  const { pattern, caseSensitive } = arg as { pattern: string; caseSensitive?: boolean };
  if (typeof value !== 'string') return false;
  return caseSensitive ? value.includes(pattern) : value.toLowerCase().includes(pattern.toLowerCase());
}

/** `list`: the value is a list of ids (a `links` field), which the list operators look into. */
function meets(value: unknown, condition: Condition, list = false): boolean {
  for (const [op, arg] of Object.entries(condition)) {
    if (arg === undefined || arg === null) continue;
    if (list && op !== 'exists') {
      if (!meetsList(value, op, arg)) return false;
      continue;
    }
    const ok = (() => {
      switch (op) {
        case 'eq':
          return value === arg;
        case 'neq':
          return value !== arg;
        case 'in':
          return (arg as unknown[]).includes(value);
        case 'notIn':
          return !(arg as unknown[]).includes(value);
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
        case 'matches':
          return matchesText(value, arg);
        case 'notMatches':
          return !matchesText(value, arg);
        default:
          return false;
      }
    })();
    if (!ok) return false;
  }
  return true;
}

/** `lists`: the names whose values are lists of ids (`links` fields). */
export function matches(record: Readable, filter: RecordFilter | null | undefined, accessors: Accessors, lists: ReadonlySet<string> = new Set()): boolean {
  if (!filter) return true;
  for (const [key, condition] of Object.entries(filter)) {
    if (condition === null || condition === undefined) continue;
    if (key === 'AND') {
      if (!(condition as RecordFilter[]).every((f) => matches(record, f, accessors, lists))) return false;
    } else if (key === 'OR') {
      if (!(condition as RecordFilter[]).some((f) => matches(record, f, accessors, lists))) return false;
    } else {
      const read = accessors.get(key);
      if (!read || !meets(read(record), condition as Condition, lists.has(key))) return false;
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
