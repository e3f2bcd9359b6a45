/**
 * @module
 * The core's {@link ReadRule} as an SQL predicate over `items`, one compiler for SQLite and
 * PostgreSQL. Every node maps to an indexable test: model ids, creator columns, a path-prefix
 * range per root node, and for `on_creator: role` a semi-join against the tokens and users of that
 * role (served by their role indexes), so no request loads tokens or users into memory.
 */
import { sql, type Kysely, type RawBuilder, type SqlBool } from 'kysely';
import type { ReadRule } from '../core/content/read-rule.ts';
import { rowId } from './rows.ts';
import type { Dialect } from './sql-context.ts';
import type { Database } from './schema.ts';

export const TRUE = sql<SqlBool>`1 = 1`;
export const FALSE = sql<SqlBool>`1 = 0`;

/** Ids that cannot name a row are dropped: they match nothing. */
export const keys = (ids: readonly string[]) => ids.map(rowId).filter((k): k is number => k !== null);

export function joinAnd(parts: RawBuilder<SqlBool>[]): RawBuilder<SqlBool> {
  return parts.length === 0 ? TRUE : parts.length === 1 ? parts[0]! : sql<SqlBool>`(${sql.join(parts, sql` and `)})`;
}
export function joinOr(parts: RawBuilder<SqlBool>[]): RawBuilder<SqlBool> {
  return parts.length === 0 ? FALSE : parts.length === 1 ? parts[0]! : sql<SqlBool>`(${sql.join(parts, sql` or `)})`;
}

/**
 * The materialised path compared byte-wise. Paths hold only digits and slashes, and the range
 * below relies on '0' following '/'; a locale collation on PostgreSQL may ignore punctuation, so
 * there the comparison (and the index of migration 004) uses the "C" collation.
 */
export const pathColumn = (dialect: Dialect) => (dialect === 'postgres' ? sql`items.path collate "C"` : sql`items.path`);

/**
 * The subtree of an item whose path is `/1/7/`: `path >= '/1/7/' and path < '/1/70'`. Every
 * descendant's path starts with the root's own, and '0' is the character after '/', so the range
 * holds exactly the prefix's strings — one index range scan, never a leading `%`.
 */
export function subtree(dialect: Dialect, path: string, indexed = true): RawBuilder<SqlBool> {
  const upper = `${path.slice(0, -1)}0`;
  // SQLite's unary `+` keeps a term from driving the index choice (its documented planner hint).
  const column = indexed || dialect !== 'sqlite' ? pathColumn(dialect) : sql`+items.path`;
  return sql<SqlBool>`(${column} >= ${path} and ${column} < ${upper})`;
}

function rootsOf(rule: ReadRule, into: Set<string>): Set<string> {
  if (rule.kind === 'withinRoots') for (const id of rule.rootIds) into.add(id);
  if (rule.kind === 'and' || rule.kind === 'or') for (const r of rule.rules) rootsOf(r, into);
  if (rule.kind === 'not') rootsOf(rule.rule, into);
  return into;
}

/** The paths of the root nodes a rule names (one indexed lookup); missing roots cover nothing. */
export async function rootPaths(db: Kysely<Database>, rule: ReadRule): Promise<Map<string, string>> {
  const ids = keys([...rootsOf(rule, new Set())]);
  if (ids.length === 0) return new Map();
  const rows = await db.selectFrom('items').select(['id', 'path']).where('id', 'in', ids).execute();
  return new Map(rows.map((r) => [String(r.id), r.path]));
}

/**
 * `pathIndexed: false` (SQLite only) leaves the scope ranges out of the index choice: a page in
 * creation order then walks the model's (item_type_id, id, path) index in order and checks the
 * range from the index entry, which costs the page, not the subtree — without statistics SQLite
 * would rather read the whole subtree through the path index and sort it.
 */
export function readPredicate(rule: ReadRule, dialect: Dialect, paths: ReadonlyMap<string, string>, pathIndexed = true): RawBuilder<SqlBool> {
  const compile = (r: ReadRule): RawBuilder<SqlBool> => {
    switch (r.kind) {
      case 'all':
        return TRUE;
      case 'none':
        return FALSE;
      case 'and':
        return joinAnd(r.rules.map(compile));
      case 'or':
        return joinOr(r.rules.map(compile));
      case 'not':
        // Every leaf below is NULL-free (not-null columns, NULL-free subqueries), so NOT is exact.
        return sql<SqlBool>`not ${compile(r.rule)}`;
      case 'itemTypeIn': {
        const ids = keys(r.ids);
        return ids.length === 0 ? FALSE : sql<SqlBool>`items.item_type_id in (${sql.join(ids)})`;
      }
      case 'creatorIs':
        return joinOr(r.creators.map((c) => sql<SqlBool>`(items.creator_type = ${c.type} and items.creator_id = ${c.id})`));
      case 'creatorRoleIs': {
        const role = rowId(r.roleId);
        if (role === null) return FALSE;
        // A token's role is its own, else its base user's (a token has one or the other).
        const tokens = sql`select cast(t.id as text) from access_tokens t
          where t.role_id = ${role} or (t.role_id is null and t.user_id in (select u.id from users u where u.role_id = ${role}))`;
        const users = sql`select cast(u.id as text) from users u where u.role_id = ${role}`;
        return sql<SqlBool>`((items.creator_type = 'access_token' and items.creator_id in (${tokens}))
          or (items.creator_type = 'user' and items.creator_id in (${users})))`;
      }
      case 'withinRoots':
        return joinOr(r.rootIds.flatMap((id) => (paths.has(id) ? [subtree(dialect, paths.get(id)!, pathIndexed)] : [])));
      case 'hasPublished':
        return sql<SqlBool>`items.published is not null`;
    }
  };
  return compile(rule);
}
