/** Layer 5b on the CMA, end to end: headers on every authenticated response, 429, per token, overrides. */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DIALECTS } from '../support/databases.ts';
import { startHarness, type Harness } from '../support/harness.ts';
import { createToken, errorOf } from '../support/tokens.ts';

for (const dialect of DIALECTS) {
  describe(`${dialect}: CMA rate limits`, () => {
    let h: Harness;
    beforeAll(async () => {
      h = await startHarness({ dialect });
    });
    afterAll(() => h.close());
    beforeEach(() => h.clock.advance(3_000));

    it('admits 60 requests per 3 seconds by default, counting down, then answers 429 with Reset and Retry-After', async () => {
      const t = await createToken(h);
      for (let i = 1; i <= 60; i++) {
        const res = await h.request('GET', '/site', { token: t.secret });
        expect(res.statusCode).toBe(200);
        expect(res.headers['x-ratelimit-limit']).toBe('60');
        expect(res.headers['x-ratelimit-remaining']).toBe(String(60 - i));
      }
      const limited = await h.request('GET', '/site', { token: t.secret });
      expect(limited.statusCode).toBe(429);
      expect(errorOf(limited)).toEqual({ code: 'RATE_LIMIT_EXCEEDED', details: { layer: 'rate_limit', reason: 'exceeded', retry_after: 1 } });
      expect(limited.headers['x-ratelimit-limit']).toBe('60');
      expect(limited.headers['x-ratelimit-remaining']).toBe('0');
      expect(Number(limited.headers['x-ratelimit-reset'])).toBeGreaterThanOrEqual(1);
      expect(limited.headers['retry-after']).toBe(limited.headers['x-ratelimit-reset']);

      // One request's worth of time (3 s / 60) later, exactly one more is admitted.
      h.clock.advance(50);
      expect((await h.request('GET', '/site', { token: t.secret })).statusCode).toBe(200);
      expect((await h.request('GET', '/site', { token: t.secret })).statusCode).toBe(429);
      // A full period later the whole burst is back.
      h.clock.advance(3_000);
      expect((await h.request('GET', '/site', { token: t.secret })).headers['x-ratelimit-remaining']).toBe('59');
    });

    it('limits each token on its own', async () => {
      const a = await createToken(h);
      const b = await createToken(h);
      for (let i = 0; i < 60; i++) await h.request('GET', '/site', { token: a.secret });
      expect((await h.request('GET', '/site', { token: a.secret })).statusCode).toBe(429);
      const other = await h.request('GET', '/site', { token: b.secret });
      expect(other.statusCode).toBe(200);
      expect(other.headers['x-ratelimit-remaining']).toBe('59');
    });

    it('applies a per-token override, with Reset counting whole seconds until the next slot', async () => {
      const t = await createToken(h, { attributes: { rate_limit: { cma: { limit: 2, period_seconds: 10 } } } });
      expect(t.attributes.rate_limit).toEqual({ cma: { limit: 2, period_seconds: 10 } });
      expect((await h.request('GET', '/site', { token: t.secret })).headers['x-ratelimit-limit']).toBe('2');
      expect((await h.request('GET', '/site', { token: t.secret })).statusCode).toBe(200);
      const limited = await h.request('GET', '/site', { token: t.secret });
      expect(limited.statusCode).toBe(429);
      expect(limited.headers['x-ratelimit-reset']).toBe('5');
      expect(limited.headers['retry-after']).toBe('5');
      h.clock.advance(5_000);
      expect((await h.request('GET', '/site', { token: t.secret })).statusCode).toBe(200);
    });

    it('puts the headers on authenticated error responses too, and not on 401s', async () => {
      const t = await createToken(h, { attributes: { permissions: ['site:read'] } });
      const forbidden = await h.request('GET', '/roles', { token: t.secret });
      expect(forbidden.statusCode).toBe(403);
      expect(forbidden.headers['x-ratelimit-remaining']).toBe('59');
      const missing = await h.request('GET', '/access_tokens/999999', { token: h.adminSecret });
      expect(missing.statusCode).toBe(404);
      expect(missing.headers['x-ratelimit-limit']).toBe('60');
      const anonymous = await h.request('GET', '/site');
      expect(anonymous.statusCode).toBe(401);
      expect(anonymous.headers['x-ratelimit-limit']).toBeUndefined();
    });

    it('does not count requests refused before the rate-limit layer', async () => {
      const t = await createToken(h, { attributes: { ip_allowlist: ['192.0.2.1'] } });
      for (let i = 0; i < 70; i++) expect((await h.request('GET', '/site', { token: t.secret })).statusCode).toBe(403);
      const ok = await h.app.inject({ method: 'GET', url: '/site', remoteAddress: '192.0.2.1', headers: { authorization: `Bearer ${t.secret}` } });
      expect(ok.headers['x-ratelimit-remaining']).toBe('59');
    });

    it('rejects an override that is not a positive limit and period', async () => {
      for (const rateLimit of [{ cma: { limit: 0, period_seconds: 1 } }, { cma: { limit: 5 } }, { graphql: { limit: 5, period_seconds: 1 } }]) {
        const res = await h.request('PUT', `/access_tokens/${(await createToken(h)).id}`, {
          token: h.adminSecret,
          body: { data: { type: 'access_token', attributes: { rate_limit: rateLimit } } },
        });
        expect(res.statusCode, JSON.stringify(rateLimit)).toBe(422);
        expect(errorOf(res).code).toBe('INVALID_FORMAT');
      }
    });
  });
}
