/**
 * `kill -9` under concurrent write load, then a restart: every write the client saw acknowledged
 * is there, and nothing half-written is (a record with a wrong path, a token without its audit
 * event, a previous secret without its token).
 */
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { hashSecret } from '../../src/core/secret.ts';
import { openStore } from '../../src/store/database.ts';
import { createTestDatabase, DIALECTS, type TestDatabase } from '../support/databases.ts';
import { expectConsistentTree } from './instances.ts';
import { spawnServer, type Child } from './server.ts';

const CYCLES = 3;
const WORKERS = 6;

const databases: TestDatabase[] = [];
const children: Child[] = [];

afterAll(async () => {
  for (const child of children.splice(0)) await child.stop();
  for (const db of databases.splice(0)) await db.drop();
});

interface Acknowledged {
  readonly tokens: Map<string, string>;
  readonly items: Map<string, string>;
  /** Token id → the last secret a rotation of it answered 200 with. */
  readonly rotated: Map<string, string>;
}

function databaseArgs(db: TestDatabase): string[] {
  if (db.target.kind === 'sqlite') return ['--data-dir', db.dataDir];
  return ['--data-dir', db.dataDir, '--database-url', `${db.target.url}?options=${encodeURIComponent(`-c search_path=${db.target.schema}`)}`];
}

/** A JSON request; a connection cut by the kill is a null answer, never acknowledged. */
async function call(
  url: string,
  secret: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; data: Record<string, unknown> } | null> {
  try {
    const res = await fetch(`${url}${path}`, {
      method,
      headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      signal: AbortSignal.timeout(15_000),
    });
    const json = (await res.json()) as { data: Record<string, unknown> };
    return { status: res.status, data: json.data };
  } catch {
    return null;
  }
}

describe.each(DIALECTS)('%s: SIGKILL under write load', (dialect) => {
  it(`${CYCLES} kill-and-restart cycles lose no acknowledged write and leave no partial row`, { timeout: 180_000 }, async () => {
    const db = await createTestDatabase(dialect);
    databases.push(db);
    const admin = `bootstrap-${randomBytes(12).toString('hex')}`;
    const env = { LATCHKEY_BOOTSTRAP_ADMIN_TOKEN: admin };
    const ack: Acknowledged = { tokens: new Map(), items: new Map(), rotated: new Map() };
    const failures: string[] = [];

    // Setup on a first server: a loader token without a tight rate limit, a tree model and a root record.
    let server = await spawnServer(databaseArgs(db), env);
    children.push(server);
    const roles = await call(server.url, admin, 'GET', '/roles');
    const roleId = (roles!.data as unknown as { id: string; attributes: { name: string } }[]).find((r) => r.attributes.name === 'Admin')!.id;
    const tokenBody = (name: string) => ({
      data: {
        type: 'access_token',
        attributes: {
          name,
          can_access_cda: false,
          can_access_cda_preview: false,
          can_access_cma: true,
          rate_limit: { cma: { limit: 1_000_000, period_seconds: 1 } },
        },
        relationships: { role: { data: { type: 'role', id: roleId } } },
      },
    });
    const loader = await call(server.url, admin, 'POST', '/access_tokens', tokenBody('loader'));
    expect(loader?.status).toBe(201);
    const secret = (loader!.data.attributes as { token: string }).token;
    const model = await call(server.url, secret, 'POST', '/item-types', {
      data: { type: 'item_type', attributes: { name: 'Page', api_key: 'page', fields: [{ api_key: 'title', field_type: 'string' }], tree: true } },
    });
    const modelId = model!.data.id as string;
    const itemBody = (title: string, parentId: string | null) => ({
      data: {
        type: 'item',
        attributes: { title, ...(parentId ? { parent_id: parentId } : {}) },
        relationships: { item_type: { data: { type: 'item_type', id: modelId } } },
      },
    });
    const root = await call(server.url, secret, 'POST', '/items', itemBody('root', null));
    expect(root?.status).toBe(201);
    ack.items.set(root!.data.id as string, 'root');

    for (let cycle = 0; cycle < CYCLES; cycle++) {
      let alive = true;
      const worker = async (w: number) => {
        for (let n = 0; alive; n++) {
          const label = `c${cycle}-w${w}-n${n}`;
          // Each worker rotates only tokens it created, one at a time: at most one unacknowledged rotation per token.
          const mine = [...ack.tokens].filter(([, name]) => name.includes(`-w${w}-`)).map(([id]) => id);
          const kind = n % 3 === 2 && mine.length > 0 ? 'rotate' : n % 3 === 1 ? 'item' : 'token';
          const res =
            kind === 'token'
              ? await call(server.url, secret, 'POST', '/access_tokens', tokenBody(label))
              : kind === 'item'
                ? await call(server.url, secret, 'POST', '/items', itemBody(label, [...ack.items.keys()][n % ack.items.size] ?? null))
                : await call(server.url, secret, 'POST', `/access_tokens/${mine[n % mine.length]}/regenerate_token?grace_period=3600`);
          if (res === null) continue; // cut by the kill: not acknowledged
          if (res.status >= 500) failures.push(`${kind} ${res.status}`);
          if (kind === 'token' && res.status === 201) ack.tokens.set(res.data.id as string, label);
          if (kind === 'item' && res.status === 201) ack.items.set(res.data.id as string, label);
          if (kind === 'rotate' && res.status === 200) ack.rotated.set(res.data.id as string, (res.data.attributes as { token: string }).token);
        }
      };
      const load = Promise.all(Array.from({ length: WORKERS }, (_, w) => worker(w)));
      await sleep(300 + Math.random() * 700);
      await server.kill();
      alive = false;
      await load;
      children.splice(children.indexOf(server), 1);
      server = await spawnServer(databaseArgs(db), env);
      children.push(server);
    }
    children.splice(children.indexOf(server), 1);
    expect(await server.stop()).toBe(0);
    expect(failures).toEqual([]);

    const store = await openStore(db.target);
    try {
      const now = new Date().toISOString();
      expect(ack.tokens.size).toBeGreaterThan(0);
      expect(ack.items.size).toBeGreaterThan(1);
      for (const [id, name] of ack.tokens) expect((await store.findToken(id))?.name).toBe(name);
      for (const [id, title] of ack.items) expect((await store.findItem(id))?.current.title).toBe(title);
      for (const [, rotatedSecret] of ack.rotated) expect(await store.findTokenBySecretHash(hashSecret(rotatedSecret), now)).not.toBeNull();
      await expectConsistentTree(store);
      for (const token of await store.listTokens()) {
        const events = await store.listAuditEvents({ subjectType: 'access_token', subjectId: token.id, action: 'access_token.create', offset: 0, limit: 1 });
        expect(events.totalCount, `token ${token.id} has no create event`).toBe(1);
      }
      const orphans = await sql<{ n: number }>`select count(*) as n from previous_secrets where token_id not in (select id from access_tokens)`.execute(
        store.db,
      );
      expect(Number(orphans.rows[0]?.n)).toBe(0);
    } finally {
      await store.close();
    }
  });
});
