/** The CDA side of layer 5b, and the limiter's state, through the pure decision function. */
import { describe, expect, it } from 'vitest';
import { decide, type AccessRequest } from '../../src/core/access.ts';
import type { EndpointRule } from '../../src/core/endpoints.ts';
import { consumeRate } from '../../src/core/rate-limit.ts';
import { createMemoryRateLimiter, DEFAULT_RATE_LIMITS } from '../../src/runtime/rate-limiter.ts';
import { principal } from '../support/principals.ts';

const cda: EndpointRule = { surface: 'cda', permission: 'content:read', description: 'POST /graphql' };
const cma: EndpointRule = { surface: 'cma', permission: 'site:read', description: 'GET /site' };
const at = (rule: EndpointRule, now: number): AccessRequest => ({ rule, includeDrafts: false, clientIp: '127.0.0.1', now });

describe('rate limits per surface', () => {
  it('admits 40 CDA requests per second by default, then refuses with 429 and a reset ≥ 1 s', () => {
    const limiter = createMemoryRateLimiter(DEFAULT_RATE_LIMITS);
    const p = { kind: 'found' as const, principal: principal() };
    for (let i = 1; i <= 40; i++) {
      const decision = decide(p, at(cda, 1_000), limiter);
      expect(decision.ok).toBe(true);
      expect(decision.rate).toMatchObject({ limit: 40, remaining: 40 - i });
    }
    const refused = decide(p, at(cda, 1_000), limiter);
    expect(refused).toMatchObject({ ok: false, status: 429, code: 'RATE_LIMIT_EXCEEDED', rate: { allowed: false, remaining: 0 } });
    expect(refused.rate?.resetSeconds).toBeGreaterThanOrEqual(1);
    expect(decide(p, at(cda, 1_025), limiter).ok).toBe(true);
  });

  it('keeps the CMA and the CDA apart for the same token', () => {
    const limiter = createMemoryRateLimiter(DEFAULT_RATE_LIMITS);
    const p = { kind: 'found' as const, principal: principal() };
    for (let i = 0; i < 40; i++) decide(p, at(cda, 0), limiter);
    expect(decide(p, at(cda, 0), limiter).ok).toBe(false);
    expect(decide(p, at(cma, 0), limiter)).toMatchObject({ ok: true, rate: { limit: 60, remaining: 59 } });
  });

  it('applies a per-token override on one surface and the default on the other', () => {
    const limiter = createMemoryRateLimiter(DEFAULT_RATE_LIMITS);
    const p = { kind: 'found' as const, principal: principal({ rateLimit: { cda: { limit: 1, period_seconds: 60 } } }) };
    expect(decide(p, at(cda, 0), limiter).ok).toBe(true);
    const refused = decide(p, at(cda, 0), limiter);
    expect(refused.rate).toMatchObject({ limit: 1, resetSeconds: 60 });
    expect(decide(p, at(cma, 0), limiter).rate?.limit).toBe(60);
  });

  it('forgets tokens whose state has fully recovered, so memory does not grow with every token ever seen', () => {
    const limiter = createMemoryRateLimiter(DEFAULT_RATE_LIMITS);
    for (let i = 0; i < 1_000; i++) {
      const p = { kind: 'found' as const, principal: principal({ id: String(i) }) };
      decide(p, at(cda, 0), limiter);
      decide(p, at(cma, 0), limiter);
    }
    expect(limiter.size()).toBe(2_000);
    const busy = { kind: 'found' as const, principal: principal({ id: 'busy' }) };
    for (let i = 0; i < 60; i++) decide(busy, at(cma, 58_000), limiter);
    // Every other token recovered long ago and was swept; the busy one has not, and stays limited.
    expect(limiter.size()).toBe(1);
    expect(decide(busy, at(cma, 58_000), limiter).ok).toBe(false);
  });

  it('admits a burst of `limit`, then one request per period/limit: never more than limit + W/interval in any window W', () => {
    const policy = { limit: 5, period_seconds: 2 };
    const interval = 400;
    let tat = 0;
    const admitted: number[] = [];
    for (let now = 0; now < 20_000; now += 137) {
      const outcome = consumeRate(policy, tat, now);
      if (outcome.allowed) {
        admitted.push(now);
        tat = outcome.tat;
      }
    }
    for (const window of [500, 2_000, 7_000]) {
      for (const start of admitted) {
        const inWindow = admitted.filter((t) => t >= start && t < start + window).length;
        expect(inWindow).toBeLessThanOrEqual(policy.limit + Math.ceil(window / interval));
      }
    }
    // Offered faster than allowed, it settles at the sustained rate.
    expect(admitted.length).toBeGreaterThanOrEqual(Math.floor(20_000 / interval));
    expect(admitted.length).toBeLessThanOrEqual(policy.limit + Math.ceil(20_000 / interval));
  });
});
