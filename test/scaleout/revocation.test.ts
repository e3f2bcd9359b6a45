/**
 * Three instances over one PostgreSQL schema: a change made on one is refused by the others on
 * their next request once the notification arrives (bounded by the spec's 1 s), and a listener
 * that lost its connection starts over with an empty cache.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import type { Change } from '../../src/core/changes.ts';
import { POSTGRES_URL } from '../support/databases.ts';
import { startHarness, type Harness } from '../support/harness.ts';
import { createToken, eventually, pollStatus } from './instances.ts';
import { skipNotice } from '../support/skips.ts';

if (!POSTGRES_URL) skipNotice('Scale-out revocation suite', 'set LATCHKEY_TEST_DATABASE_URL to run it');

describe.runIf(POSTGRES_URL)('postgres: revocation across instances', () => {
  let a: Harness;
  let b: Harness;
  let c: Harness;
  let raw: pg.Client;

  beforeAll(async () => {
    a = await startHarness({ dialect: 'postgres', crossInstance: true });
    b = await startHarness({ join: a, crossInstance: true });
    c = await startHarness({ join: a, crossInstance: true });
    raw = new pg.Client({ connectionString: POSTGRES_URL, options: `-c search_path=${a.db.location}` });
    await raw.connect();
  });
  afterAll(async () => {
    await raw?.end();
    await c?.close();
    await b?.close();
    await a?.close();
  });

  /** A token created on A and already cached on B and C (each has answered 200 once). */
  async function warmToken(attributes: Record<string, unknown> = {}, relationships?: Record<string, unknown>) {
    const token = await createToken(a, attributes, relationships);
    for (const h of [b, c]) expect((await h.request('GET', '/access_tokens', { token: token.secret })).statusCode).toBe(200);
    return token;
  }

  it('every instance listens on its own connection', () => {
    for (const h of [a, b, c]) expect(h.runtime.listener?.connected).toBe(true);
    const pids = new Set([a, b, c].map((h) => h.runtime.listener?.backendPid));
    expect(pids.size).toBe(3);
  });

  it('a token deleted on A is refused by B and C', async () => {
    const token = await warmToken();
    expect((await a.request('DELETE', `/access_tokens/${token.id}`, { token: a.adminSecret })).statusCode).toBe(200);
    expect(await pollStatus(b, '/access_tokens', token.secret, 401)).toBe(401);
    expect(await pollStatus(c, '/access_tokens', token.secret, 401)).toBe(401);
  });

  it('a token disabled on A is refused by B, and works again there once re-enabled', async () => {
    const token = await warmToken();
    const toggle = (enabled: boolean) =>
      a.request('PUT', `/access_tokens/${token.id}`, { token: a.adminSecret, body: { data: { type: 'access_token', id: token.id, attributes: { enabled } } } });
    expect((await toggle(false)).statusCode).toBe(200);
    expect(await pollStatus(b, '/access_tokens', token.secret, 401)).toBe(401);
    const denied = await b.request('GET', '/access_tokens', { token: token.secret });
    expect(denied.json().data[0].attributes.details).toMatchObject({ layer: 'state', reason: 'disabled' });
    expect((await toggle(true)).statusCode).toBe(200);
    expect(await pollStatus(b, '/access_tokens', token.secret, 200)).toBe(200);
  });

  it('after a rotation on A, B refuses the old secret and accepts the new one', async () => {
    const token = await warmToken();
    const res = await a.request('POST', `/access_tokens/${token.id}/regenerate_token`, { token: a.adminSecret });
    expect(res.statusCode).toBe(200);
    const fresh = res.json().data.attributes.token as string;
    expect(await pollStatus(b, '/access_tokens', token.secret, 401)).toBe(401);
    expect((await b.request('GET', '/access_tokens', { token: fresh })).statusCode).toBe(200);
  });

  it('a role losing a flag on A takes the flag away on B', async () => {
    const created = await a.request('POST', '/roles', {
      token: a.adminSecret,
      body: { data: { type: 'role', attributes: { name: 'People managers', can_manage_users: true } } },
    });
    expect(created.statusCode).toBe(201);
    const roleId = created.json().data.id as string;
    const token = await createToken(a, {}, { role: { data: { type: 'role', id: roleId } } });
    expect((await b.request('GET', '/users', { token: token.secret })).statusCode).toBe(200);
    const update = await a.request('PUT', `/roles/${roleId}`, {
      token: a.adminSecret,
      body: { data: { type: 'role', id: roleId, attributes: { can_manage_users: false } } },
    });
    expect(update.statusCode).toBe(200);
    expect(await pollStatus(b, '/users', token.secret, 403)).toBe(403);
    const denied = await b.request('GET', '/users', { token: token.secret });
    expect(denied.json().data[0].attributes.details).toMatchObject({ layer: 'role' });
  });

  it('a token moved to a weaker role on A loses its rights on B', async () => {
    const weak = await a.request('POST', '/roles', { token: a.adminSecret, body: { data: { type: 'role', attributes: { name: 'Readers' } } } });
    expect(weak.statusCode).toBe(201);
    const token = await createToken(a);
    expect((await b.request('GET', '/users', { token: token.secret })).statusCode).toBe(200);
    const moved = await a.request('PUT', `/access_tokens/${token.id}`, {
      token: a.adminSecret,
      body: { data: { type: 'access_token', id: token.id, relationships: { role: { data: { type: 'role', id: weak.json().data.id } } } } },
    });
    expect(moved.statusCode).toBe(200);
    expect(await pollStatus(b, '/users', token.secret, 403)).toBe(403);
  });

  it('without a listener an instance serves its cache until the TTL, then reads the change', async () => {
    const deaf = await startHarness({ join: a });
    try {
      const token = await createToken(a);
      expect((await deaf.request('GET', '/access_tokens', { token: token.secret })).statusCode).toBe(200);
      await raw.query('update access_tokens set enabled = 0 where id = $1', [Number(token.id)]);
      expect((await deaf.request('GET', '/access_tokens', { token: token.secret })).statusCode).toBe(200);
      deaf.clock.advance(30_000); // the default cache TTL
      expect((await deaf.request('GET', '/access_tokens', { token: token.secret })).statusCode).toBe(401);
    } finally {
      await deaf.close();
    }
  });

  it('a listener that lost its connection reconnects and drops everything it had cached', async () => {
    const token = await warmToken();
    // A change that announces nothing: as if its notification had been sent while B was deaf.
    await raw.query('update access_tokens set enabled = 0 where id = $1', [Number(token.id)]);
    const listener = b.runtime.listener!;
    const before = listener.connections;
    const seen: Change[] = [];
    const unsubscribe = b.runtime.store.changes.subscribe((change) => seen.push(change));
    try {
      await raw.query('select pg_terminate_backend($1)', [listener.backendPid]);
      expect(await eventually(() => listener.connections > before && listener.connected, 5_000)).toBe(true);
      expect(seen).toContainEqual({ kind: 'all' });
      expect((await b.request('GET', '/access_tokens', { token: token.secret })).statusCode).toBe(401);
      // And it hears changes again on the new connection.
      const next = await warmToken();
      expect((await a.request('DELETE', `/access_tokens/${next.id}`, { token: a.adminSecret })).statusCode).toBe(200);
      expect(await pollStatus(b, '/access_tokens', next.secret, 401)).toBe(401);
    } finally {
      unsubscribe();
    }
  });
});
