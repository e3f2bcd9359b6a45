/**
 * Rate limits shared through Redis: two instances over one database count one token's requests
 * together; decisions never wait for Redis, and with Redis gone each instance falls back to its
 * own limits (never a 500).
 */
import { randomBytes } from 'node:crypto';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import type { LogLevel } from '../../src/core/log.ts';
import { POSTGRES_URL, REDIS_URL } from '../support/databases.ts';
import { startHarness, type Harness } from '../support/harness.ts';
import { createToken, eventually } from './instances.ts';
import { skipNotice } from '../support/skips.ts';

if (!REDIS_URL) skipNotice('Scale-out rate-limit suite', 'set LATCHKEY_TEST_REDIS_URL to run it');

const dialect = POSTGRES_URL ? 'postgres' : 'sqlite';
const prefix = `lk-test-${randomBytes(6).toString('hex')}:`;
// Token ids repeat across databases, so every database in this file gets a prefix of its own.
let databases = 0;
const prefixForNewDatabase = () => `${prefix}${++databases}:`;
const limited = (limit: number) => ({ rate_limit: { cma: { limit, period_seconds: 3600 } } });
const get = (h: Harness, secret: string) => h.request('GET', '/access_tokens', { token: secret });

// Every key this file wrote lives under its own prefix; remove them all at the end.
afterAll(async () => {
  if (!REDIS_URL) return;
  const redis = new Redis(REDIS_URL);
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length > 0) await redis.del(...keys);
  await redis.quit();
});

describe.runIf(REDIS_URL)(`${dialect}: rate limits shared through Redis`, () => {
  let a: Harness;
  let b: Harness;
  let redis: Redis;
  let pairPrefix: string;

  beforeAll(async () => {
    pairPrefix = prefixForNewDatabase();
    const shared = { crossInstance: true, redisKeyPrefix: pairPrefix, config: { redisUrl: REDIS_URL } } as const;
    a = await startHarness({ dialect, ...shared });
    b = await startHarness({ join: a, ...shared });
    redis = new Redis(REDIS_URL!);
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
    await redis?.quit();
  });

  it('admits exactly the limit across both instances when each decision follows a sync', async () => {
    const token = await createToken(a, limited(5));
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) {
      const [served, other] = i % 2 === 0 ? [a, b] : [b, a];
      const res = await get(served, token.secret);
      statuses.push(res.statusCode);
      if (res.statusCode === 429) expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
      await served.runtime.sharedRateLimits!.sync();
      await other.runtime.sharedRateLimits!.sync();
    }
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429, 429, 429, 429]);
  });

  it('an instance that joins late learns what the other used, within one burst of its own', async () => {
    const limit = 20;
    const token = await createToken(a, limited(limit));
    for (let i = 0; i < limit; i++) expect((await get(a, token.secret)).statusCode).toBe(200);
    // A reports in the background; wait until Redis holds A's use.
    expect(await eventually(() => a.runtime.sharedRateLimits!.healthy, 1_000)).toBe(true);
    const key = `${pairPrefix}rl:cma:${token.id}`;
    const until = performance.now() + 1_000;
    while (!(await redis.exists(key)) && performance.now() < until) await sleep(5);
    expect(await redis.exists(key)).toBe(1);

    let admittedOnB = 0;
    let status = 200;
    for (let i = 0; i < 2 * limit && status === 200; i++) {
      status = (await get(b, token.secret)).statusCode;
      if (status === 200) admittedOnB++;
      await sleep(5);
    }
    expect(status).toBe(429);
    // On its own, B would have admitted a whole burst; sharing stops it sooner.
    expect(admittedOnB).toBeLessThan(limit);
    expect((await get(a, token.secret)).statusCode).toBe(429);
  });
});

describe.runIf(REDIS_URL)(`${dialect}: rate limits when Redis is away`, () => {
  it('starts without Redis, enforces local limits and logs once', async () => {
    const lines: { level: LogLevel; message: string }[] = [];
    const h = await startHarness({
      dialect,
      crossInstance: true,
      redisKeyPrefix: prefixForNewDatabase(),
      config: { redisUrl: 'redis://127.0.0.1:1' },
      log: (level, message) => lines.push({ level, message }),
    });
    try {
      const token = await createToken(h, limited(3));
      const statuses = [];
      for (let i = 0; i < 4; i++) statuses.push((await get(h, token.secret)).statusCode);
      expect(statuses).toEqual([200, 200, 200, 429]);
      expect(h.runtime.sharedRateLimits!.healthy).toBe(false);
      expect(lines.filter((l) => l.level === 'warn' && /Redis/.test(l.message))).toHaveLength(1);
    } finally {
      await h.close();
    }
  });

  it('keeps answering when Redis drops mid-run, and shares again once it is back', async () => {
    const target = new URL(REDIS_URL!);
    const proxy = await startProxy(target.hostname, Number(target.port || 6379));
    const lines: { level: LogLevel; message: string }[] = [];
    const h = await startHarness({
      dialect,
      crossInstance: true,
      redisKeyPrefix: prefixForNewDatabase(),
      config: { redisUrl: `redis://127.0.0.1:${proxy.port}` },
      log: (level, message) => lines.push({ level, message }),
    });
    try {
      const limiter = h.runtime.sharedRateLimits!;
      const token = await createToken(h, limited(4));
      expect((await get(h, token.secret)).statusCode).toBe(200);
      await limiter.sync();
      expect(limiter.healthy).toBe(true);

      await proxy.stop();
      expect(await eventually(() => !limiter.healthy, 2_000)).toBe(true);
      const during = [];
      for (let i = 0; i < 4; i++) during.push((await get(h, token.secret)).statusCode);
      expect(during).toEqual([200, 200, 200, 429]);
      expect(lines.some((l) => l.level === 'warn')).toBe(true);

      await proxy.restart();
      expect(await eventually(() => lines.some((l) => l.level === 'info' && /resumed/.test(l.message)), 5_000)).toBe(true);
      expect(limiter.healthy).toBe(true);
    } finally {
      await h.close();
      await proxy.stop();
    }
  });
});

/** A TCP relay to Redis that the test can cut and restore on the same port. */
async function startProxy(host: string, port: number) {
  const sockets = new Set<Socket>();
  let server: Server | null = null;
  let listenPort = 0;
  const open = () =>
    new Promise<void>((resolve) => {
      server = createServer((client) => {
        const upstream = connect(port, host);
        for (const s of [client, upstream]) {
          sockets.add(s);
          s.on('close', () => sockets.delete(s));
          s.on('error', () => s.destroy());
        }
        client.pipe(upstream).pipe(client);
      });
      server.listen(listenPort, '127.0.0.1', () => {
        const address = server!.address();
        if (typeof address === 'object' && address) listenPort = address.port;
        resolve();
      });
    });
  await open();
  return {
    get port() {
      return listenPort;
    },
    async stop() {
      for (const s of sockets) s.destroy();
      const current = server;
      server = null;
      if (current) await new Promise<void>((resolve) => current.close(() => resolve()));
    },
    restart: open,
  };
}
