/**
 * @module
 * Bulk seeding for the scale benchmark: a million tokens in seconds, written straight into the
 * SQLite file in batched transactions (the store's own create path seals a secret and runs the
 * escalation check per token, which would take minutes and measure nothing we care about).
 */
import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import SqliteDatabase from 'better-sqlite3';
import { loadConfig } from '../../src/config.ts';
import { createRuntime, DATABASE_FILE } from '../../src/cli/runtime.ts';
import { displayKey, hashSecret } from '../../src/core/secret.ts';
import { benchSecret } from './secrets.ts';

/** High enough that the limiter runs on every request yet never refuses one during a burst. */
export const BENCH_RATE_LIMIT = { cma: { limit: 1_000_000, period_seconds: 1 }, cda: { limit: 1_000_000, period_seconds: 1 } };

export function tempDir(label: string): string {
  return mkdtempSync(join(tmpdir(), `latchkey-bench-${label}-`));
}

/** A fresh, initialised project in `dataDir`; returns the Admin role id. */
export async function initProject(dataDir: string): Promise<string> {
  const runtime = await createRuntime(loadConfig({ dataDir, logLevel: 'silent' }, {}));
  await runtime.init();
  const roles = await runtime.store.listRoles();
  await runtime.close();
  const admin = roles.find((r) => r.name === 'Admin');
  if (!admin) throw new Error('no Admin role after init');
  return admin.id;
}

/** Inserts `count` tokens whose secrets are `benchSecret(seed, 0..count-1)`; returns seconds taken. */
export async function seedTokens(dataDir: string, seed: string, count: number): Promise<number> {
  const roleId = Number(await initProject(dataDir));
  const started = performance.now();
  const db = new SqliteDatabase(join(dataDir, DATABASE_FILE));
  // A throwaway database: no journal, no fsync while seeding; the server reopens it in WAL mode.
  db.pragma('journal_mode = OFF');
  db.pragma('synchronous = OFF');
  db.pragma('cache_size = -262144');
  const insert = db.prepare(
    `INSERT INTO access_tokens (name, secret_hash, sealed_secret, display_key, hardcoded_type, can_access_cda,
       can_access_cda_preview, can_access_cma, role_id, user_id, permissions, root_node_ids, enabled, expires_at,
       ip_allowlist, rate_limit, created_by_token_id, created_at, updated_at)
     VALUES (?, ?, NULL, ?, NULL, 1, 1, 1, ?, NULL, '["*"]', '[]', 1, NULL, NULL, ?, NULL, ?, ?)`,
  );
  const rateLimit = JSON.stringify(BENCH_RATE_LIMIT);
  const now = new Date().toISOString();
  // Inserting in hash order turns a million random B-tree insertions into appends.
  const rows: [string, string][] = new Array(count);
  for (let i = 0; i < count; i++) {
    const secret = benchSecret(seed, i);
    rows[i] = [hashSecret(secret), displayKey(secret)];
  }
  rows.sort((a, b) => (a[0] < b[0] ? -1 : 1));
  const batch = db.transaction((from: number, to: number) => {
    for (let i = from; i < to; i++) {
      const [secretHash, display] = rows[i] as [string, string];
      insert.run(`bench ${i}`, secretHash, display, roleId, rateLimit, now, now);
    }
  });
  for (let from = 0; from < count; from += 100_000) batch(from, Math.min(count, from + 100_000));
  db.pragma('journal_mode = WAL');
  db.close();
  return (performance.now() - started) / 1000;
}
