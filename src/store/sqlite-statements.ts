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
import type { CompiledQuery, SqliteDatabase, SqliteStatement } from 'kysely';
import { classifyDriverError } from './unavailable.ts';

/** Distinct query texts the server uses are a few hundred at most; lists of ids make more, and those age out. */
export const DEFAULT_MAX_STATEMENTS = 500;
/** Longer texts (a query naming thousands of ids) are rarely repeated and are not worth holding. */
const MAX_CACHED_SQL_LENGTH = 4_096;
const DDL = /^\s*(create|drop|alter)\b/i;

/** {@link StatementCache.readNow}'s answer while a transaction holds the connection. */
export const CONNECTION_BUSY: unique symbol = Symbol('connection busy');

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

  /**
   * Runs a read right now, synchronously, with its statement from the cache, and answers its first
   * row (`undefined` for none), or {@link CONNECTION_BUSY} while a transaction holds the
   * connection: such a read must queue behind it on Kysely's connection, or it would see writes
   * that may still roll back. Outside a transaction nothing else can run between the check and the
   * read (better-sqlite3 is synchronous), so the read sees exactly what is committed. A single read
   * by id pays for Kysely's connection hand-over, a dozen promises, about as much as for SQLite's
   * own work; this is the way around it for the reads on every request's path.
   */
  readNow<R>(sql: string, parameters: readonly unknown[]): R | undefined | typeof CONNECTION_BUSY {
    if (this.#db.inTransaction) return CONNECTION_BUSY;
    return (this.prepare(sql) as Statement<unknown[], R>).get(...parameters);
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

/** The statement cache under each SQLite Kysely instance (not under its transactions). */
const caches = new WeakMap<object, StatementCache>();

/** Makes `cache`, which serves `db`'s dialect, the one {@link readFirstNow} reads `db` through. */
export function readsNowThrough(db: object, cache: StatementCache): void {
  caches.set(db, cache);
}

/**
 * The first row of `query` (with `parameters` in place of its compiled ones), read at once when
 * `db` is a SQLite database whose connection no transaction holds; otherwise
 * {@link CONNECTION_BUSY}, and the caller runs the query the usual way (PostgreSQL, a
 * transaction's executor, or a transaction in progress elsewhere). Errors leave the store as
 * Kysely's would: through the same classification as every other driver error.
 */
export function readFirstNow<R>(db: object, query: CompiledQuery<R>, parameters: readonly unknown[]): R | undefined | typeof CONNECTION_BUSY {
  const cache = caches.get(db);
  if (cache === undefined) return CONNECTION_BUSY;
  try {
    return cache.readNow<R>(query.sql, parameters);
  } catch (error) {
    throw classifyDriverError(error);
  }
}
