/**
 * @module
 * Opening the database: SQLite in the data directory by default, PostgreSQL when a URL is given.
 * This file and the migration helper are the only places that know which one is in use.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import pg from 'pg';
import { Kysely, Migrator, sql } from 'kysely';
import { OwnSchemaPostgresDialect } from './pg-dialect.ts';
import { guardedDialect } from './guarded-dialect.ts';
import type { Database } from './schema.ts';
import { migrationProvider } from './migrations/index.ts';
import { createSqlStore, SETUP_LOCK_WAIT_MS, setupLockKey, type SqlStore } from './sql-store.ts';
import { ImmediateSqliteDialect } from './sqlite-dialect.ts';
import { readsNowThrough, StatementCache } from './sqlite-statements.ts';
import { errorMessage, silentLog, type Log } from '../core/log.ts';

export type DatabaseTarget =
  | { readonly kind: 'sqlite'; readonly path: string }
  | { readonly kind: 'postgres'; readonly url: string; readonly schema?: string; readonly poolSize?: number };

/**
 * How long SQLite waits for another process's write lock (the offline CLI, a backup) before the
 * write fails as busy and answers 503. better-sqlite3 waits synchronously, blocking this process's
 * event loop meanwhile, so the wait is kept short; the CLI's own transactions take milliseconds.
 */
export const SQLITE_BUSY_TIMEOUT_MS = 2_000;

/**
 * PostgreSQL time bounds, so that no request waits on the database for more than a few seconds:
 * a new connection (or a free pool slot) within `connectMs`; a statement is cancelled by the
 * server after `statementMs`, and abandoned by the client after `queryMs` if the server does not
 * answer at all (a hung host); a transaction left idle by a stalled instance releases its locks
 * after `idleInTransactionMs`.
 */
export const PG_TIMEOUTS = { connectMs: 2_000, statementMs: 5_000, queryMs: 6_000, idleInTransactionMs: 10_000 } as const;

export interface OpenOptions {
  /** Where pool faults are reported (at most once per `faultLogIntervalMs`). */
  readonly log?: Log;
  readonly faultLogIntervalMs?: number;
  /** Upper bound on how long the models are served from memory without reading them again. */
  readonly schemaTtlMs?: number;
}

/** How a PostgreSQL pool is made: the request time limits apply unless `requestTimeouts` is false (migrating). */
interface PoolOptions {
  readonly requestTimeouts?: boolean;
  readonly poolSize?: number;
}

export function openKysely(target: DatabaseTarget, options: OpenOptions = {}, poolOptions: PoolOptions = {}): Kysely<Database> {
  if (target.kind === 'sqlite') {
    if (target.path !== ':memory:') mkdirSync(dirname(target.path), { recursive: true });
    const sqlite = new SqliteDatabase(target.path);
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma(`busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS}`);
    const statements = new StatementCache(sqlite);
    const db = new Kysely<Database>({ dialect: guardedDialect(new ImmediateSqliteDialect({ database: statements })) });
    readsNowThrough(db, statements);
    return db;
  }
  const pool = new pg.Pool({
    connectionString: target.url,
    max: poolOptions.poolSize ?? target.poolSize ?? 10,
    // Names the connections in pg_stat_activity; an `application_name` in the URL wins.
    application_name: 'latchkey',
    keepAlive: true,
    connectionTimeoutMillis: PG_TIMEOUTS.connectMs,
    ...(poolOptions.requestTimeouts === false ? {} : { statement_timeout: PG_TIMEOUTS.statementMs, query_timeout: PG_TIMEOUTS.queryMs }),
    idle_in_transaction_session_timeout: PG_TIMEOUTS.idleInTransactionMs,
    ...(target.schema ? { options: `-c search_path=${target.schema}` } : {}),
  });
  guardPool(pool, options.log ?? silentLog, options.faultLogIntervalMs ?? 30_000);
  return new Kysely<Database>({ dialect: guardedDialect(new OwnSchemaPostgresDialect({ pool })) });
}

/**
 * A lost connection must never end the process. pg-pool emits `error` for a connection that dies
 * while idle, and a pg Client emits `error` when its connection dies between queries, for
 * example while it is checked out inside a transaction, where pg-pool listens no more: an
 * `error` event nobody listens to is thrown, and ends the process. So the pool gets a handler, and
 * so does every client for its whole life. The broken client is discarded by the pool (it is no
 * longer queryable); the next request opens a new connection, or answers 503 while the database
 * is away. One log line per interval, not one per connection or request.
 */
function guardPool(pool: pg.Pool, log: Log, intervalMs: number): void {
  let lastLogged = -Infinity;
  let suppressed = 0;
  const fault = (error: unknown) => {
    const now = Date.now();
    if (now - lastLogged < intervalMs) {
      suppressed++;
      return;
    }
    log('warn', 'database connection lost; requests that need the database answer 503 until it is back', {
      err: errorMessage(error),
      ...(suppressed > 0 ? { suppressed } : {}),
    });
    lastLogged = now;
    suppressed = 0;
  };
  pool.on('error', fault);
  pool.on('connect', (client) => client.on('error', fault));
}

/**
 * `schema` (PostgreSQL): where the migration bookkeeping lives. Without it Kysely looks for its
 * tables in every schema of the database, so a second Latchkey (or any Kysely app) elsewhere in
 * the same database makes it skip creating them here, and migrating fails.
 */
export async function migrate(db: Kysely<Database>, schema?: string): Promise<string[]> {
  const migrator = new Migrator({ db, provider: migrationProvider, ...(schema ? { migrationTableSchema: schema } : {}) });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/** The schema unqualified tables go to: the first existing one on the connection's search_path. */
async function currentSchema(db: Kysely<Database>): Promise<string | undefined> {
  const { rows } = await sql<{ schema: string | null }>`select current_schema() as schema`.execute(db);
  return rows[0]?.schema ?? undefined;
}

/**
 * Migrates while holding the project's setup lock on PostgreSQL (a session lock on a connection
 * of its own): instances started together on an empty database take turns, and each after the
 * first finds nothing left to do. On SQLite the migrations' own `BEGIN IMMEDIATE` transaction
 * already admits one process at a time.
 */
async function migrateLocked(db: Kysely<Database>, target: DatabaseTarget, options: OpenOptions): Promise<void> {
  if (target.kind === 'sqlite') {
    await migrate(db);
    return;
  }
  // Its own connection, without the request time limits (the server's statement_timeout and the
  // client's read timeout): a migration may rightly take longer than a request, and so may waiting
  // for another instance's migration; a cancelled one would fail (or endlessly retry) the start.
  // The wait for the lock is still bounded, so a stuck holder ends the start with a clear error.
  const migrator = openKysely(target, options, { requestTimeouts: false, poolSize: 1 });
  try {
    await migrator.connection().execute(async (conn) => {
      await sql.raw(`set lock_timeout = ${SETUP_LOCK_WAIT_MS}`).execute(conn);
      await sql`select pg_advisory_lock(${setupLockKey})`.execute(conn);
      try {
        await migrate(conn, target.schema ?? (await currentSchema(conn)));
      } finally {
        await sql`select pg_advisory_unlock(${setupLockKey})`.execute(conn);
      }
    });
  } finally {
    await migrator.destroy();
  }
}

/** Opens, migrates and wraps the database in the store. */
export async function openStore(target: DatabaseTarget, options: OpenOptions = {}): Promise<SqlStore> {
  const db = openKysely(target, options);
  try {
    await migrateLocked(db, target, options);
  } catch (error) {
    await db.destroy();
    throw error;
  }
  return createSqlStore(db, target.kind, options.schemaTtlMs === undefined ? {} : { schemaTtlMs: options.schemaTtlMs });
}
