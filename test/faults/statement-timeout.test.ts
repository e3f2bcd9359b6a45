/**
 * A slow statement is not an outage (PostgreSQL only: SQLite has no statement timeout). A request
 * whose statement runs past `statement_timeout` answers 504 QUERY_TIMEOUT without `Retry-After`,
 * in each envelope (CMA, account tokens, GraphQL), and the server keeps serving; a start-up that
 * waits for another instance's migration longer than that timeout still comes up; and re-runs
 * waiting for the retry lock hold no pooled connection and end in 409, not 503/504.
 */
import pg from 'pg';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness.ts';
import { createTestDatabase, POSTGRES_URL, type TestDatabase } from '../support/databases.ts';
import { openKysely, openStore, PG_TIMEOUTS } from '../../src/store/database.ts';
import { createRetryLock } from '../../src/store/retry-lock.ts';
import { ApiProblem } from '../../src/core/errors.ts';

/** A generous "does not hang" bound: the statement timeout is 5 s; a loaded machine may add a lot. */
const NO_HANG_MS = 30_000;

/** A client of its own on the test's schema, outside the server's pool. */
async function sideClient(schema: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: POSTGRES_URL, options: `-c search_path=${schema}` });
  await client.connect();
  return client;
}

describe.skipIf(!POSTGRES_URL)('postgres: statements past the time limit', () => {
  let h: Harness;
  let blocker: pg.Client;

  beforeAll(async () => {
    h = await startHarness({ dialect: 'postgres' });
    blocker = await sideClient(h.db.location);
  });
  afterAll(async () => {
    await blocker?.end().catch(() => {});
    await h?.close();
  });

  it('answers 504 QUERY_TIMEOUT without Retry-After in every envelope, and serves on afterwards', async () => {
    const cma = () => h.request('GET', '/roles', { token: h.adminSecret });
    const account = () => h.request('GET', '/api/v1/admin/access-tokens', { token: h.adminSecret });
    const graphql = () => h.request('POST', '/graphql', { token: h.readonlySecret, body: { query: '{ _site { name } }' } });
    // Warm the caches (tokens, models), so that only the locked tables' own reads wait.
    for (const warm of [cma, account, graphql]) expect((await warm()).statusCode).toBe(200);

    // Another session holds the tables exclusively: every read of them waits until cancelled.
    await blocker.query('begin');
    await blocker.query('lock table roles, access_tokens, site in access exclusive mode');
    try {
      const started = performance.now();
      const [a, b, c] = await Promise.all([cma(), account(), graphql()]);
      expect(performance.now() - started).toBeLessThan(NO_HANG_MS);
      for (const res of [a, b, c]) {
        expect(res.statusCode).toBe(504);
        expect(res.headers['retry-after']).toBeUndefined();
        expect(res.body).not.toMatch(/canceling|57014|lock|roles/i);
      }
      expect(a.json().data[0].attributes.code).toBe('QUERY_TIMEOUT');
      expect(b.json()).toMatchObject({ status: 'error', error: { code: 'QUERY_TIMEOUT' } });
      expect(c.json().data[0].attributes.code).toBe('QUERY_TIMEOUT');
    } finally {
      await blocker.query('rollback');
    }
    expect((await cma()).statusCode).toBe(200);
  });
});

describe.skipIf(!POSTGRES_URL)('postgres: waiting for another instance at start', () => {
  let db: TestDatabase;
  let holder: pg.Client;

  beforeAll(async () => {
    db = await createTestDatabase('postgres');
    holder = await sideClient(db.location);
  });
  afterAll(async () => {
    await holder?.end().catch(() => {});
    await db?.drop();
  });

  it('migrates once the setup lock is free, however long past the statement timeout that is', async () => {
    // As another instance migrating would: the setup lock of this schema, held past the pool's statement timeout.
    await holder.query('select pg_advisory_lock(19563, hashtext(current_schema()))');
    const opening = openStore(db.target);
    let settled = false;
    void opening.then(
      () => (settled = true),
      () => (settled = true),
    );
    await new Promise((resolve) => setTimeout(resolve, PG_TIMEOUTS.statementMs + 1_500));
    expect(settled).toBe(false);
    await holder.query('select pg_advisory_unlock(19563, hashtext(current_schema()))');
    const store = await opening;
    try {
      // Requests still run under the time limit; only the migration ran without it.
      const { rows } = await sql<{ timeout: string }>`select current_setting('statement_timeout') as timeout`.execute(store.db);
      expect(rows[0]?.timeout).toBe(`${PG_TIMEOUTS.statementMs / 1000}s`);
    } finally {
      await store.close();
    }
  });
});

describe.skipIf(!POSTGRES_URL)('postgres: re-runs waiting for the retry lock', () => {
  let db: TestDatabase;
  let holder: pg.Client;

  beforeAll(async () => {
    db = await createTestDatabase('postgres');
    holder = await sideClient(db.location);
  });
  afterAll(async () => {
    await holder?.end().catch(() => {});
    await db?.drop();
  });

  it('hold no pooled connection while waiting, are bounded in number and end in 409', async () => {
    if (db.target.kind !== 'postgres') throw new Error('postgres only');
    const kysely = openKysely({ ...db.target, poolSize: 2 });
    const key = sql`1234::int4, hashtext(current_schema())`;
    const lock = createRetryLock(key, { waitMs: 1_500, maxWaiting: 3 });
    const work = () => sql<{ one: number }>`select 1 as one`.execute(kysely);
    try {
      await holder.query('select pg_advisory_lock(1234, hashtext(current_schema()))');
      const waiters = [1, 2, 3].map(() =>
        lock.run(kysely, work).then(
          () => 'ran',
          (error: unknown) => error,
        ),
      );
      // More waiters than the pool has connections, yet other statements still get one.
      for (let i = 0; i < 5; i++) expect((await work()).rows).toEqual([{ one: 1 }]);
      // The queue is full: the next re-run is refused at once.
      await expect(lock.run(kysely, work)).rejects.toMatchObject({ code: 'CONFLICT', status: 409 });
      for (const outcome of await Promise.all(waiters)) {
        expect(outcome).toBeInstanceOf(ApiProblem);
        expect(outcome).toMatchObject({ code: 'CONFLICT' });
      }
      expect(lock.waiting).toBe(0);
      await holder.query('select pg_advisory_unlock(1234, hashtext(current_schema()))');
      expect((await lock.run(kysely, work)).rows).toEqual([{ one: 1 }]);
    } finally {
      await kysely.destroy();
    }
  });
});
