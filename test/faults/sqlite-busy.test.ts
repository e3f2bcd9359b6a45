/**
 * SQLite held by another process: a second connection takes the write lock (`BEGIN IMMEDIATE`,
 * as the offline CLI or a backup tool would) and keeps it. Writes answer 503 within a bounded
 * time and change nothing; reads keep working (WAL); the last-access flush keeps its data; once
 * the lock is released everything works again, without a restart.
 */
import SqliteDatabase from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness.ts';

/** A generous "does not hang" bound: the busy timeout is 2 s; a loaded machine may add a lot. */
const NO_HANG_MS = 15_000;

const roleBody = (name: string) => ({ data: { type: 'role', attributes: { name } } });

describe('sqlite: another connection holds the write lock', () => {
  let h: Harness;
  let other: SqliteDatabase.Database;

  beforeAll(async () => {
    h = await startHarness({ dialect: 'sqlite' });
    other = new SqliteDatabase(h.db.location);
  });
  afterAll(async () => {
    if (other?.inTransaction) other.exec('ROLLBACK');
    other?.close();
    await h?.close();
  });

  const roleNames = async () =>
    ((await h.request('GET', '/roles', { token: h.adminSecret })).json().data as { attributes: { name: string } }[]).map((r) => r.attributes.name);

  it('answers a write with 503 and Retry-After, serves reads, and recovers when the lock is gone', async () => {
    expect((await h.request('GET', '/roles', { token: h.adminSecret })).statusCode).toBe(200);
    const recorder = h.runtime.deps.recorder;
    other.exec('BEGIN IMMEDIATE');
    try {
      const started = performance.now();
      const refused = await h.request('POST', '/roles', { token: h.adminSecret, body: roleBody('Blocked') });
      expect(performance.now() - started).toBeLessThan(NO_HANG_MS);
      expect(refused.statusCode).toBe(503);
      expect(refused.headers['retry-after']).toBe('2');
      const error = refused.json().data[0];
      expect(error.type).toBe('api_error');
      expect(error.attributes.code).toBe('DATABASE_UNAVAILABLE');
      // Nothing of the driver's message reaches the client.
      expect(refused.body).not.toMatch(/SQLITE|busy|locked/i);

      // Readers are not blocked by a writer in WAL mode; the instance stays ready.
      expect(await roleNames()).not.toContain('Blocked');
      expect((await h.request('GET', '/readyz')).statusCode).toBe(200);

      // The last-access flush fails too, and keeps what it could not write.
      expect(recorder.pendingCount).toBeGreaterThan(0);
      const pending = recorder.pendingCount;
      await expect(recorder.flush()).rejects.toMatchObject({ name: 'DatabaseUnavailable', cause: { code: expect.stringMatching(/^SQLITE_BUSY/) } });
      expect(recorder.pendingCount).toBeGreaterThanOrEqual(pending);
    } finally {
      other.exec('ROLLBACK');
    }

    expect(await recorder.flush()).toBeGreaterThan(0);
    expect(recorder.pendingCount).toBe(0);
    const created = await h.request('POST', '/roles', { token: h.adminSecret, body: roleBody('After release') });
    expect(created.statusCode).toBe(201);
    expect(await roleNames()).toEqual(expect.arrayContaining(['After release']));
    expect(await roleNames()).not.toContain('Blocked');
  });

  it('answers the account-token API with 503 in its own shape and Retry-After', async () => {
    other.exec('BEGIN IMMEDIATE');
    try {
      const res = await h.request('POST', '/api/v1/admin/access-tokens', {
        token: h.adminSecret,
        body: { name: 'Blocked', permissions: ['content:read'] },
      });
      expect(res.statusCode).toBe(503);
      expect(res.headers['retry-after']).toBe('2');
      expect(res.json()).toMatchObject({ status: 'error', error: { code: 'DATABASE_UNAVAILABLE' } });
    } finally {
      other.exec('ROLLBACK');
    }
  });
});

describe('health probes without a token', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ dialect: 'sqlite' });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('GET /healthz is 200 and GET /readyz reports every check', async () => {
    const health = await h.request('GET', '/healthz');
    expect(health.statusCode).toBe(200);
    expect(health.json()).toEqual({ status: 'ok' });
    const ready = await h.request('GET', '/readyz');
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toEqual({ status: 'ready', checks: { database: 'ok', migrations: 'ok', listener: 'not_used' } });
  });

  it('refuses query parameters like every other route', async () => {
    expect((await h.request('GET', '/readyz?verbose=1')).statusCode).toBe(400);
  });
});
