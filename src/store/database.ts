/**
 * @module
 * Opening the database: SQLite in the data directory by default, PostgreSQL when a URL is given.
 * This file and the migration helper are the only places that know which one is in use.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import pg from 'pg';
import { Kysely, Migrator, PostgresDialect, SqliteDialect } from 'kysely';
import type { Database } from './schema.ts';
import { migrationProvider } from './migrations/index.ts';
import { createSqlStore, type SqlStore } from './sql-store.ts';

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
    return new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
  }
  const pool = new pg.Pool({
    connectionString: target.url,
    max: target.poolSize ?? 10,
    ...(target.schema ? { options: `-c search_path=${target.schema}` } : {}),
  });
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}

/**
 * `schema`: the PostgreSQL schema the tables live in. Kysely looks for its bookkeeping tables in
 * every schema unless told which one, so two projects in one database (or parallel test schemas)
 * would see each other's migration lock and skip creating their own.
 */
export async function migrate(db: Kysely<Database>, schema?: string): Promise<string[]> {
  const migrator = new Migrator({ db, provider: migrationProvider, ...(schema ? { migrationTableSchema: schema } : {}) });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/** Opens, migrates and wraps the database in the store. */
export async function openStore(target: DatabaseTarget): Promise<SqlStore> {
  const db = openKysely(target);
  try {
    await migrate(db, target.kind === 'postgres' ? target.schema : undefined);
  } catch (error) {
    await db.destroy();
    throw error;
  }
  return createSqlStore(db, target.kind);
}
