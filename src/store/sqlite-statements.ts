/**
 * @module
 * Prepared statements kept and reused, keyed by their SQL text. Kysely's SQLite driver prepares
 * every query anew; on a single read that was about a tenth of the server's CPU. This wraps the
 * better-sqlite3 database handed to the dialect, so the driver (and its reader/run detection,
 * which comes from the statement itself) is unchanged and only `prepare` is answered from memory.
 *
 * Why reuse is safe:
 * - better-sqlite3 resets a statement after `all`/`run`, and Kysely's driver admits one query at a
 *   time on its single connection, so a cached statement is never half-way through another query.
 *   One that is (an unfinished `iterate`) is `busy`, and the caller then gets a fresh statement.
 * - Transactions are state of the connection, not of a statement: the same statement runs inside
 *   and outside them alike.
 * - SQLite itself re-prepares a statement whose tables changed (SQLITE_SCHEMA, handled inside
 *   `sqlite3_step` for statements made with `sqlite3_prepare_v3`). DDL is still never cached and
 *   empties the cache, so nothing keeps a statement compiled against tables that are gone.
 */
import type { Database as BetterSqliteDatabase, Statement } from 'better-sqlite3';
import type { SqliteDatabase, SqliteStatement } from 'kysely';

/** Distinct query texts the server uses are a few hundred at most; lists of ids make more, and those age out. */
export const DEFAULT_MAX_STATEMENTS = 500;
/** Longer texts (a query naming thousands of ids) are rarely repeated and are not worth holding. */
const MAX_CACHED_SQL_LENGTH = 4_096;
const DDL = /^\s*(create|drop|alter)\b/i;

export class StatementCache implements SqliteDatabase {
  readonly #db: BetterSqliteDatabase;
  readonly #max: number;
  /** Insertion order is recency: a hit moves its entry to the back, so the first key is the oldest. */
  readonly #statements = new Map<string, Statement>();
  #hits = 0;
  #misses = 0;

  constructor(db: BetterSqliteDatabase, max = DEFAULT_MAX_STATEMENTS) {
    this.#db = db;
    this.#max = max;
  }

  prepare(sql: string): SqliteStatement {
    const cached = this.#statements.get(sql);
    if (cached !== undefined && !cached.busy) {
      this.#hits++;
      this.#statements.delete(sql);
      this.#statements.set(sql, cached);
      return cached;
    }
    this.#misses++;
    const statement = this.#db.prepare(sql);
    if (DDL.test(sql)) {
      // Kysely runs the statement right after preparing it, so emptying now is emptying after it.
      this.#statements.clear();
      return statement;
    }
    if (cached === undefined && sql.length <= MAX_CACHED_SQL_LENGTH) {
      this.#statements.set(sql, statement);
      if (this.#statements.size > this.#max) this.#statements.delete(this.#statements.keys().next().value as string);
    }
    return statement;
  }

  close(): void {
    this.#statements.clear();
    this.#db.close();
  }

  /** For tests and diagnostics: statements held, and how often `prepare` was answered from memory. */
  get stats(): { readonly size: number; readonly hits: number; readonly misses: number } {
    return { size: this.#statements.size, hits: this.#hits, misses: this.#misses };
  }
}
