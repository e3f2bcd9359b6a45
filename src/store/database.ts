/**
 * @module
 * Opening the database: SQLite in the data directory by default, PostgreSQL when a URL is given.
 * This file and the migration helper are the only places that know which one is in use.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import pg from 'pg';
import { Kysely, Migrator, PostgresDialect, sql } from 'kysely';
import type { Database } from './schema.ts';
import { migrationProvider } from './migrations/index.ts';
import { createSqlStore, setupLockKey, type SqlStore } from './sql-store.ts';
import { ImmediateSqliteDialect } from './sqlite-dialect.ts';

export type DatabaseTarget =
  | { readonly kind: 'sqlite'; readonly path: string }
  | { readonly kind: 'postgres'; readonly url: string; readonly schema?: string; readonly poolSize?: number };

export function openKysely(target: DatabaseTarget): Kysely<Database> {
  if (target.kind === 'sqlite') {
    if (target.path !== ':memory:') mkdirSync(dirname(target.path), { recursive: true });
    const sqlite = new SqliteDatabase(target.path);
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma('busy_timeout = 5000');
    return new Kysely<Database>({ dialect: new ImmediateSqliteDialect({ database: sqlite }) });
  }
  const pool = new pg.Pool({
    connectionString: target.url,
    max: target.poolSize ?? 10,
    ...(target.schema ? { options: `-c search_path=${target.schema}` } : {}),
  });
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
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
 * Migrates while holding the project's setup lock on PostgreSQL (a session lock on one pooled
 * connection): instances started together on an empty database take turns, and each after the
 * first finds nothing left to do. On SQLite the migrations' own `BEGIN IMMEDIATE` transaction
 * already admits one process at a time.
 */
async function migrateLocked(db: Kysely<Database>, target: DatabaseTarget): Promise<void> {
  if (target.kind === 'sqlite') {
    await migrate(db);
    return;
  }
  await db.connection().execute(async (conn) => {
    await sql`select pg_advisory_lock(${setupLockKey})`.execute(conn);
    try {
      await migrate(conn, target.schema ?? (await currentSchema(conn)));
    } finally {
      await sql`select pg_advisory_unlock(${setupLockKey})`.execute(conn);
    }
  });
}

/** Opens, migrates and wraps the database in the store. */
export async function openStore(target: DatabaseTarget): Promise<SqlStore> {
  const db = openKysely(target);
  try {
    await migrateLocked(db, target);
  } catch (error) {
    await db.destroy();
    throw error;
  }
  return createSqlStore(db, target.kind);
}
