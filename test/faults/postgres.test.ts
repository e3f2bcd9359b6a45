/**
 * PostgreSQL faults against a real server this suite starts itself (its own cluster, its own
 * port): three `latchkey serve` processes under continuous CMA and GraphQL traffic (reads and
 * writes) while the database is restarted, then stopped for a few seconds and started again, and
 * while every connection of one instance is terminated with `pg_terminate_backend`.
 *
 * Asserted: no process exits; no 500 ever; during an outage only 503 DATABASE_UNAVAILABLE with
 * Retry-After (or an answer from memory); `/readyz` 503 while the database is down and 200 after;
 * full service within a few seconds of the database returning, without a restart; every
 * acknowledged write present; and a revocation made after recovery is enforced on every instance.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROPAGATION_DEADLINE_MS } from '../scaleout/instances.ts';
import { waitFor, type Child } from './children.ts';
import { call, errorCode, launchInstance, ready, startInstance, type Instance } from './instances.ts';
import { OwnPostgres, postgresBinDir } from './postgres-server.ts';
import { tally, Traffic, type Outcome } from './traffic.ts';
import { skipNotice } from '../support/skips.ts';

const bin = postgresBinDir();
if (!bin) skipNotice('PostgreSQL fault suite', 'initdb is not installed (looked in /usr/lib/postgresql/*/bin)');

/** "Within a few seconds" of the database answering again, with room for a loaded machine. */
const RECOVERY_MS = 15_000;
const OUTAGE_MS = 3_000;
const STEADY_MS = 1_500;
/** "No request hangs": a generous upper bound over the 2 s connect and 5–6 s statement bounds. */
const NO_HANG_MS = 12_000;

const ADMIN = `admin-${randomBytes(16).toString('hex')}`;
const READONLY = `readonly-${randomBytes(16).toString('hex')}`;

describe.runIf(bin)('PostgreSQL restarted, stopped and its connections killed under three instances', () => {
  let postgres: OwnPostgres;
  const instances: Instance[] = [];
  const dataDirs: string[] = [];
  let env: (name: string) => Record<string, string>;
  /** Started while the database is down; stopped in afterAll whether it ever served or not. */
  let lateChild: Child | null = null;
  let itemId = '';
  let adminRole = '';
  /** The traffic's own CMA + CDA token, with limits far above what the traffic sends. */
  let trafficToken = '';
  const acknowledgedRoles: string[] = [];

  const fail = (message: string) => `${message}\n--- instance output ---\n${instances.map((i) => `[${i.name}] ${i.child.output().slice(-3_000)}`).join('\n')}`;

  beforeAll(async () => {
    postgres = await OwnPostgres.create(bin!);
    env = (name: string) => {
      const dataDir = mkdtempSync(join(tmpdir(), `latchkey-fault-${name}-`));
      dataDirs.push(dataDir);
      return {
        // Each instance names its connections, so the suite can find and kill exactly its own.
        LATCHKEY_DATABASE_URL: `${postgres.url}?application_name=lk-${name}`,
        LATCHKEY_DATA_DIR: dataDir,
        LATCHKEY_ENCRYPTION_KEYS: `1:${key}`,
        LATCHKEY_BOOTSTRAP_ADMIN_TOKEN: ADMIN,
        LATCHKEY_BOOTSTRAP_READONLY_TOKEN: READONLY,
        LATCHKEY_LOG_LEVEL: 'warn',
        // Flushes during the outage too, which must keep their data and never crash.
        LATCHKEY_ACCESS_FLUSH_MS: '500',
      };
    };
    const key = randomBytes(32).toString('base64');
    // The first initialises the project; the others find it (concurrent first starts are another suite's subject).
    instances.push(await startInstance('a', env('a')));
    instances.push(...(await Promise.all(['b', 'c'].map((name) => startInstance(name, env(name))))));

    const [a] = instances;
    const roles = (await call(a!.url, 'GET', '/roles', { token: ADMIN })).body as { data: { id: string; attributes: { name: string } }[] };
    adminRole = roles.data.find((r) => r.attributes.name === 'Admin')!.id;
    const type = await call(a!.url, 'POST', '/item-types', {
      token: ADMIN,
      body: {
        data: {
          type: 'item_type',
          attributes: {
            name: 'Website',
            api_key: 'website',
            tree: true,
            draft_mode_active: true,
            fields: [{ api_key: 'name', label: 'Name', field_type: 'string', required: true }],
          },
        },
      },
    });
    expect(type.status, JSON.stringify(type.body)).toBe(201);
    const typeId = (type.body as { data: { id: string } }).data.id;
    const item = await call(a!.url, 'POST', '/items', {
      token: ADMIN,
      body: { data: { type: 'item', attributes: { name: 'Home' }, relationships: { item_type: { data: { type: 'item_type', id: typeId } } } } },
    });
    expect(item.status, JSON.stringify(item.body)).toBe(201);
    itemId = (item.body as { data: { id: string } }).data.id;
    expect((await call(a!.url, 'PUT', `/items/${itemId}/publish`, { token: ADMIN })).status).toBe(200);
    const unlimited = { limit: 1_000_000, period_seconds: 1 };
    const token = await call(a!.url, 'POST', '/access_tokens', {
      token: ADMIN,
      body: {
        data: {
          type: 'access_token',
          attributes: {
            name: 'traffic',
            can_access_cma: true,
            can_access_cda: true,
            can_access_cda_preview: false,
            rate_limit: { cma: unlimited, cda: unlimited },
          },
          relationships: { role: { data: { type: 'role', id: adminRole } } },
        },
      },
    });
    expect(token.status, JSON.stringify(token.body)).toBe(201);
    trafficToken = (token.body as { data: { attributes: { token: string } } }).data.attributes.token;
  }, 180_000);

  afterAll(async () => {
    await Promise.all([...instances.map((i) => i.child), ...(lateChild ? [lateChild] : [])].map((child) => child.stop()));
    await postgres?.destroy();
    for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  const traffic = () =>
    new Traffic(instances, {
      cmaRead: (i) => call(i.url, 'GET', '/items', { token: trafficToken }),
      tokens: (i) => call(i.url, 'GET', '/access_tokens', { token: trafficToken }),
      graphql: async (i) => {
        const answer = await call(i.url, 'POST', '/graphql', { token: trafficToken, body: { query: '{ allWebsites { name } }' } });
        // A GraphQL 200 carrying errors[] would hide an outage (or a driver message) from the status.
        if (answer.status === 200 && (answer.body as { errors?: unknown }).errors) throw new Error(`GraphQL errors: ${JSON.stringify(answer.body)}`);
        return answer;
      },
      itemWrite: (i) =>
        call(i.url, 'PUT', `/items/${itemId}`, {
          token: trafficToken,
          body: { data: { type: 'item', id: itemId, attributes: { name: `Home ${Date.now()}` } } },
        }),
      roleWrite: async (i) => {
        const name = `r-${randomBytes(6).toString('hex')}`;
        const answer = await call(i.url, 'POST', '/roles', { token: trafficToken, body: { data: { type: 'role', attributes: { name } } } });
        if (answer.status === 201) acknowledgedRoles.push(name);
        return answer;
      },
    });

  const allReady = async () => (await Promise.all(instances.map(ready))).every(Boolean);

  /** Everything a phase answered is one of `allowed`, and every 503 is the documented one. */
  const expectOnly = (outcomes: readonly Outcome[], allowed: readonly number[], phase: string) => {
    const bad = outcomes.filter((o) => o.status === 'failed' || !allowed.includes(o.status));
    expect(bad.slice(0, 5), fail(`${phase}: ${JSON.stringify(tally(outcomes))}`)).toEqual([]);
    const unavailable = outcomes.filter((o) => o.status === 503);
    expect(
      unavailable.filter((o) => o.code !== 'DATABASE_UNAVAILABLE' || o.retryAfter === null || !(Number(o.retryAfter) > 0)).slice(0, 5),
      `${phase}: 503s without the code or Retry-After`,
    ).toEqual([]);
  };

  it('answers 503 (never 500) through a restart and a stop, and serves fully again within seconds', async () => {
    const load = traffic();
    load.phase = 'warm';
    load.start(4);
    try {
      await sleep(STEADY_MS);

      load.phase = 'restart';
      await postgres.restart();
      await waitFor('every instance ready after the restart', allReady, RECOVERY_MS, 100);
      load.phase = 'after-restart';
      await sleep(STEADY_MS);

      // 'stopping' until pg_ctl says the server is gone: until then a write may still commit.
      load.phase = 'stopping';
      await postgres.stop();
      load.phase = 'down';
      const downSince = performance.now();
      // An instance started while the database is down waits for it instead of exiting.
      const late = launchInstance('d', env('d'), 120_000);
      lateChild = late.child;
      late.serving.catch(() => {});
      // While it is down: /readyz says so, /healthz does not care.
      for (const instance of instances) {
        const readyz = await call(instance.url, 'GET', '/readyz');
        expect(readyz.status).toBe(503);
        expect(errorCode(readyz.body)).toBe('NOT_READY');
        expect(readyz.body).toMatchObject({ data: [{ attributes: { details: { checks: { database: 'unavailable' } } } }] });
        expect(JSON.stringify(readyz.body)).not.toMatch(/postgres:|127\.0\.0\.1|ECONNREFUSED/);
        expect((await call(instance.url, 'GET', '/healthz')).status).toBe(200);
        // Verification still runs from memory: no or a malformed token is refused as before.
        expect((await call(instance.url, 'GET', '/items')).status).toBe(401);
        expect((await call(instance.url, 'GET', '/items', { token: 'lk_notavalidsecret' })).status).toBe(401);
      }
      await waitFor('the late instance finds the database down', () => late.child.output().includes('database unreachable at start'), 60_000, 50);
      await sleep(Math.max(0, OUTAGE_MS - (performance.now() - downSince)));

      load.phase = 'starting';
      await postgres.start();
      const upSince = performance.now();
      await waitFor('every instance ready after the outage', allReady, RECOVERY_MS, 100);
      const recoveredMs = performance.now() - upSince;
      process.stderr.write(`PostgreSQL fault suite: every instance ready ${Math.round(recoveredMs)} ms after the database was back\n`);
      load.phase = 'recovered';
      await sleep(STEADY_MS);
      const d = await late.serving;
      instances.push(d);
      expect((await call(d.url, 'GET', '/items', { token: trafficToken })).status).toBe(200);
    } finally {
      await load.stop();
    }

    const slowest = Math.max(...load.outcomes.map((o) => o.ms));
    process.stderr.write(`PostgreSQL fault suite: slowest answer ${Math.round(slowest)} ms\n`);
    expect(slowest).toBeLessThan(NO_HANG_MS);
    process.stderr.write(
      `PostgreSQL fault suite traffic: ${JSON.stringify(Object.fromEntries([...new Set(load.outcomes.map((o) => o.phase))].map((p) => [p, tally(load.in(p))])))}\n`,
    );
    // Steady phases: full service. Fault phases: 2xx or the documented 503, nothing else.
    for (const phase of ['warm', 'after-restart', 'recovered']) {
      expect(load.in(phase).length, `${phase} saw traffic`).toBeGreaterThan(0);
      expectOnly(load.in(phase), [200, 201], phase);
    }
    // Everything else, including requests that spanned a phase change: 2xx or the documented 503.
    expectOnly(
      load.outcomes.filter((o) => !['warm', 'after-restart', 'recovered'].includes(o.phase)),
      [200, 201, 503],
      'faults',
    );
    expect(load.in('down').filter((o) => o.status === 503).length, 'the outage was seen').toBeGreaterThan(0);
    expect(
      load.in('down').filter((o) => o.op === 'roleWrite' && o.status === 201),
      'no write acknowledged while down',
    ).toEqual([]);

    // Every acknowledged write is there.
    const roles = (await call(instances[1]!.url, 'GET', '/roles', { token: ADMIN })).body as { data: { attributes: { name: string } }[] };
    const stored = new Set(roles.data.map((r) => r.attributes.name));
    expect(acknowledgedRoles.length).toBeGreaterThan(0);
    expect(acknowledgedRoles.filter((name) => !stored.has(name))).toEqual([]);
  }, 180_000);

  /** Creates a CMA token on `on`, seen (and cached) by `seenBy`, revoked on `on`; refused on `seenBy` within the bound. */
  const expectRevocationReaches = async (on: Instance, seenBy: readonly Instance[]) => {
    const created = await call(on.url, 'POST', '/access_tokens', {
      token: ADMIN,
      body: {
        data: {
          type: 'access_token',
          attributes: { name: `t-${randomBytes(4).toString('hex')}`, can_access_cma: true, can_access_cda: false, can_access_cda_preview: false },
          relationships: { role: { data: { type: 'role', id: adminRole } } },
        },
      },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const { id, attributes } = (created.body as { data: { id: string; attributes: { token: string } } }).data;
    for (const instance of seenBy) expect((await call(instance.url, 'GET', '/users/me', { token: attributes.token })).status).toBe(200);
    expect((await call(on.url, 'DELETE', `/access_tokens/${id}`, { token: ADMIN })).status).toBe(200);
    for (const instance of seenBy) {
      let status = 0;
      const until = performance.now() + PROPAGATION_DEADLINE_MS;
      do {
        status = (await call(instance.url, 'GET', '/users/me', { token: attributes.token })).status;
      } while (status !== 401 && performance.now() < until);
      expect(status, `revocation on ${on.name} refused on ${instance.name}`).toBe(401);
    }
  };

  it('enforces a revocation made right after recovery on every instance', async () => {
    const [a, b, c] = instances;
    await expectRevocationReaches(a!, [b!, c!]);
  }, 60_000);

  it('survives pg_terminate_backend of every pool and listener connection of an instance, and recovers', async () => {
    const [a, b] = instances;
    // Give A's pool a few connections to lose.
    await Promise.all(Array.from({ length: 6 }, () => call(a!.url, 'GET', '/items', { token: trafficToken })));
    const admin = new pg.Client({ connectionString: postgres.url });
    admin.on('error', () => {});
    await admin.connect();
    try {
      const { rows } = await admin.query<{ killed: boolean }>(
        `select pg_terminate_backend(pid) as killed from pg_stat_activity where application_name = 'lk-a'`,
      );
      // At least one pool connection and the listener.
      expect(rows.filter((r) => r.killed).length).toBeGreaterThanOrEqual(2);
    } finally {
      await admin.end();
    }
    // Right after: 2xx or the documented 503, never a 500 or a dropped connection.
    for (let i = 0; i < 10; i++) {
      const answer = await call(a!.url, 'GET', '/items', { token: trafficToken });
      expect([200, 503], fail(JSON.stringify(answer.body))).toContain(answer.status);
    }
    await waitFor('A ready again', () => ready(a!), RECOVERY_MS, 100);
    expect((await call(a!.url, 'GET', '/items', { token: ADMIN })).status).toBe(200);
    // A's listener is back: a revocation made on B is enforced on A.
    await expectRevocationReaches(b!, [a!]);
  }, 60_000);

  it('answers 503 within a few seconds while PostgreSQL hangs (SIGSTOP), and recovers when it resumes', async () => {
    postgres.pause();
    try {
      const started = performance.now();
      const answers = await Promise.all(instances.map((i) => call(i.url, 'GET', '/items', { token: trafficToken, timeoutMs: 30_000 })));
      const readiness = await Promise.all(instances.map((i) => call(i.url, 'GET', '/readyz', { timeoutMs: 30_000 })));
      const elapsed = performance.now() - started;
      process.stderr.write(`PostgreSQL fault suite: hung database answered in ${Math.round(elapsed)} ms\n`);
      expect(answers.map((a) => [a.status, errorCode(a.body)])).toEqual(instances.map(() => [503, 'DATABASE_UNAVAILABLE']));
      expect(readiness.map((a) => a.status)).toEqual(instances.map(() => 503));
      expect(elapsed).toBeLessThan(NO_HANG_MS);
    } finally {
      postgres.resume();
    }
    await waitFor('every instance ready after the hang', allReady, RECOVERY_MS, 100);
    for (const instance of instances) expect((await call(instance.url, 'GET', '/items', { token: trafficToken })).status).toBe(200);
  }, 60_000);

  it('no instance exited or logged an unhandled failure, and outages were logged once, not per request', () => {
    for (const instance of instances) {
      expect(instance.child.exit(), fail(`instance ${instance.name} exited`)).toBeNull();
      const output = instance.child.output();
      expect(output).not.toMatch(/Unhandled|unhandled promise rejection|uncaught/i);
      // Hundreds of 503s above; a handful of lines: the pool at most once per 30 s, the listener per loss.
      expect(output.match(/database connection lost/g)?.length ?? 0).toBeLessThanOrEqual(2);
      expect(output.match(/change listener lost/g)?.length ?? 0).toBeLessThanOrEqual(4);
    }
  });
});
