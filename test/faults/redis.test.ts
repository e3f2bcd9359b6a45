/**
 * Redis faults, against a redis-server this suite starts itself: killed, paused (SIGSTOP, a hung
 * server that keeps its connections open) and started again. Throughout, two instances keep
 * answering every request from local limits (never a 5xx, never waiting on Redis); each notices
 * an outage within a bounded time and logs it once; sharing resumes when Redis is back.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LogLevel } from '../../src/core/log.ts';
import { startHarness, type Harness } from '../support/harness.ts';
import { createToken } from '../scaleout/instances.ts';
import { waitFor } from './children.ts';
import { OwnRedis, redisServerAvailable } from './redis-server.ts';
import { skipNotice } from '../support/skips.ts';

const available = redisServerAvailable();
if (!available) skipNotice('Redis fault suite', 'redis-server is not installed');

/** Generous bounds ("does not hang"), not timings: the command timeout is 1 s, the probe 1 s. */
const NOTICE_MS = 10_000;
const REQUEST_MS = 5_000;

const limited = (limit: number) => ({ rate_limit: { cma: { limit, period_seconds: 3600 } } });

describe.runIf(available)('Redis killed, paused and restarted under two instances', () => {
  let redis: OwnRedis;
  let a: Harness;
  let b: Harness;
  const lines: { instance: string; level: LogLevel; message: string }[] = [];
  const logTo = (instance: string) => (level: LogLevel, message: string) => lines.push({ instance, level, message });
  const warnings = (instance: string) => lines.filter((l) => l.instance === instance && l.level === 'warn' && /Redis/.test(l.message)).length;

  beforeAll(async () => {
    redis = await OwnRedis.start();
    const shared = { crossInstance: true, config: { redisUrl: redis.url } } as const;
    a = await startHarness({ dialect: 'sqlite', ...shared, log: logTo('a') });
    b = await startHarness({ join: a, ...shared, log: logTo('b') });
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
    await redis?.stop();
  });

  /** One request, bounded: a decision must never wait on Redis, and never fail because of it. */
  const get = async (h: Harness, secret: string) => {
    const started = performance.now();
    const res = await h.request('GET', '/site', { token: secret });
    expect(performance.now() - started).toBeLessThan(REQUEST_MS);
    expect(res.statusCode).toBeLessThan(500);
    return res.statusCode;
  };
  const statuses = async (h: Harness, secret: string, n: number) => {
    const seen: number[] = [];
    for (let i = 0; i < n; i++) seen.push(await get(h, secret));
    return seen;
  };

  /** Shared: what A admitted counts on B once both have synced. */
  const expectShared = async () => {
    const token = await createToken(a, limited(3));
    expect(await statuses(a, token.secret, 3)).toEqual([200, 200, 200]);
    await a.runtime.sharedRateLimits!.sync();
    // B has never seen the token: its first request is decided alone, then it learns A's use.
    await get(b, token.secret);
    await b.runtime.sharedRateLimits!.sync();
    expect(await get(b, token.secret)).toBe(429);
  };

  /** Not shared: each instance admits the whole limit on its own. */
  const expectLocal = async () => {
    const token = await createToken(a, limited(3));
    expect(await statuses(a, token.secret, 4)).toEqual([200, 200, 200, 429]);
    expect(await statuses(b, token.secret, 4)).toEqual([200, 200, 200, 429]);
  };

  const bothHealthy = (healthy: boolean) => () => a.runtime.sharedRateLimits!.healthy === healthy && b.runtime.sharedRateLimits!.healthy === healthy;

  it('shares limits while Redis is up', async () => {
    await waitFor('both instances sync', bothHealthy(true), NOTICE_MS);
    await expectShared();
  });

  it('falls back to local limits when Redis is killed, logging once, and shares again after a restart', async () => {
    await redis.kill();
    await waitFor('both instances notice Redis is gone', bothHealthy(false), NOTICE_MS);
    await expectLocal();
    expect([warnings('a'), warnings('b')]).toEqual([1, 1]);

    await redis.start();
    await waitFor('both instances resume', bothHealthy(true), NOTICE_MS);
    await expectShared();
  });

  it('notices a paused (hung) Redis through the command timeout, and rejoins when it resumes', async () => {
    redis.pause();
    try {
      // Traffic meanwhile: a round is pending, and no request waits for it.
      const token = await createToken(a, limited(100));
      await waitFor(
        'both instances notice Redis hangs',
        async () => {
          await get(a, token.secret);
          await get(b, token.secret);
          return bothHealthy(false)();
        },
        NOTICE_MS,
      );
      await expectLocal();
      expect([warnings('a'), warnings('b')]).toEqual([2, 2]);
    } finally {
      redis.resume();
    }
    await waitFor('both instances resume', bothHealthy(true), NOTICE_MS);
    await expectShared();
    expect(lines.filter((l) => l.level === 'info' && /resumed/.test(l.message)).length).toBe(4);
  });
});
