/**
 * Instances started at once on an empty database: all come up, the project is initialised once
 * (one Admin role, two factory tokens), and exactly one of them prints the factory secrets.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { createRuntime, type Runtime } from '../../src/cli/runtime.ts';
import { openStore } from '../../src/store/database.ts';
import { silentLog } from '../../src/core/log.ts';
import type { Store } from '../../src/core/ports.ts';
import { createTestDatabase, DIALECTS, POSTGRES_URL, type TestDatabase } from '../support/databases.ts';
import { startServer, whoAmI, type Server } from '../cli/process.ts';

const INSTANCES = 3;
const SECRET = /lk_[0-9A-Za-z]{36}/g;

const databases: TestDatabase[] = [];
const servers: Server[] = [];

afterAll(async () => {
  for (const server of servers.splice(0)) await server.stop();
  for (const db of databases.splice(0)) await db.drop();
});

async function expectInitialisedOnce(store: Store): Promise<void> {
  expect((await store.listRoles()).filter((r) => r.name === 'Admin')).toHaveLength(1);
  const factory = (await store.listTokens()).filter((t) => t.hardcodedType !== null);
  expect(factory.map((t) => t.hardcodedType).sort()).toEqual(['admin', 'readonly']);
  expect(await store.getSite()).not.toBeNull();
}

/** How a server process reaches the test database: its URL names the schema. */
function databaseArgs(db: TestDatabase): string[] {
  if (db.target.kind === 'sqlite') return ['--data-dir', db.dataDir];
  return ['--data-dir', db.dataDir, '--database-url', `${db.target.url}?options=${encodeURIComponent(`-c search_path=${db.target.schema}`)}`];
}

describe.each(DIALECTS)('%s: concurrent first start', (dialect) => {
  it(`${INSTANCES} \`latchkey serve\` processes on an empty database all serve, and initialise once`, { timeout: 120_000 }, async () => {
    const db = await createTestDatabase(dialect);
    databases.push(db);
    // Instances of one fleet share their encryption keys; on SQLite they share the data directory.
    const env: Record<string, string> = dialect === 'postgres' ? { LATCHKEY_ENCRYPTION_KEYS: `1:${randomBytes(32).toString('base64')}` } : {};
    const started = await Promise.allSettled(Array.from({ length: INSTANCES }, () => startServer(databaseArgs(db), env, { timeoutMs: 60_000 })));
    for (const result of started) if (result.status === 'fulfilled') servers.push(result.value);
    expect(started.map((r) => (r.status === 'rejected' ? String(r.reason) : 'serving'))).toEqual(Array(INSTANCES).fill('serving'));
    const up = started.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));

    const printers = up.filter((s) => s.stdout.includes('Full-access API token'));
    expect(printers).toHaveLength(1);
    const [admin] = printers[0]!.stdout.match(SECRET) ?? [];
    // The secret printed by the one that initialised works on every instance.
    for (const server of up) expect((await whoAmI(server.url, admin!)).status).toBe(200);

    for (const server of up) servers.splice(servers.indexOf(server), 1);
    for (const server of up) expect((await server.stop()).code).toBe(0);
    const store = await openStore(db.target);
    try {
      await expectInitialisedOnce(store);
    } finally {
      await store.close();
    }
  });
});

describe.runIf(POSTGRES_URL)('postgres: concurrent first start in one process', () => {
  it('runtimes migrating and initialising together on empty schemas, many times over', { timeout: 120_000 }, async () => {
    for (let trial = 0; trial < 8; trial++) {
      const db = await createTestDatabase('postgres');
      databases.push(db);
      const config = loadConfig({ dataDir: db.dataDir, logLevel: 'silent', encryptionKeys: `1:${randomBytes(32).toString('base64')}` }, {});
      const runtimes: Runtime[] = await Promise.all(Array.from({ length: INSTANCES }, () => createRuntime(config, { target: db.target, log: silentLog })));
      try {
        const results = await Promise.all(runtimes.map((r) => r.init()));
        expect(results.filter((r) => r.created !== null)).toHaveLength(1);
        await expectInitialisedOnce(runtimes[0]!.store);
      } finally {
        for (const runtime of runtimes) await runtime.close();
      }
    }
  });
});
