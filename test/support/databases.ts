/**
 * The databases a suite runs against: SQLite always, PostgreSQL when LATCHKEY_TEST_DATABASE_URL
 * is set (CI sets it). Each call creates a fresh, private database: a temp SQLite file, or a
 * PostgreSQL schema of its own that is dropped afterwards.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { DatabaseTarget } from '../../src/store/database.ts';
import { skipNotice } from './skips.ts';

export type DialectName = 'sqlite' | 'postgres';

export const POSTGRES_URL = process.env.LATCHKEY_TEST_DATABASE_URL;

export const DIALECTS: DialectName[] = POSTGRES_URL ? ['sqlite', 'postgres'] : ['sqlite'];

if (!POSTGRES_URL) skipNotice('PostgreSQL suites', 'set LATCHKEY_TEST_DATABASE_URL to run them');

/** Redis for the shared rate-limit suites (CI sets it). */
export const REDIS_URL = process.env.LATCHKEY_TEST_REDIS_URL;

if (!REDIS_URL) skipNotice('Redis suites', 'set LATCHKEY_TEST_REDIS_URL to run them');

export interface TestDatabase {
  readonly target: DatabaseTarget;
  readonly dataDir: string;
  /** Where a raw dump of the stored bytes can be read (SQLite file path or PG schema). */
  readonly location: string;
  drop(): Promise<void>;
}

export async function createTestDatabase(dialect: DialectName): Promise<TestDatabase> {
  const dataDir = mkdtempSync(join(tmpdir(), 'latchkey-test-'));
  if (dialect === 'sqlite') {
    const path = join(dataDir, 'latchkey.db');
    return { target: { kind: 'sqlite', path }, dataDir, location: path, drop: async () => rmSync(dataDir, { recursive: true, force: true }) };
  }
  if (!POSTGRES_URL) throw new Error('LATCHKEY_TEST_DATABASE_URL is not set');
  const schema = `lk_test_${randomBytes(6).toString('hex')}`;
  const client = new pg.Client({ connectionString: POSTGRES_URL });
  await client.connect();
  await client.query(`create schema ${schema}`);
  await client.end();
  return {
    target: { kind: 'postgres', url: POSTGRES_URL, schema, poolSize: 4 },
    dataDir,
    location: schema,
    async drop() {
      const c = new pg.Client({ connectionString: POSTGRES_URL });
      await c.connect();
      await c.query(`drop schema if exists ${schema} cascade`);
      await c.end();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
