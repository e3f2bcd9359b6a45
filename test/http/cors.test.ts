import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness.ts';

const EXPOSED = 'x-ratelimit-limit, x-ratelimit-remaining, x-ratelimit-reset, retry-after, x-request-id, x-api-version';
const ORIGIN = 'https://front-end.example';

// CORS is decided before any route or database work: one dialect shows it.
describe('CORS', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ dialect: 'sqlite' });
  });
  afterAll(() => h.close());

  it('answers a preflight on any path with 204, no body, and what a browser may send and read', async () => {
    for (const url of ['/items/1', '/graphql', '/no-such-path']) {
      const res = await h.request('OPTIONS', url, {
        headers: { origin: ORIGIN, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization' },
      });
      expect(res.statusCode, url).toBe(204);
      expect(res.body, url).toBe('');
      expect(res.headers).toMatchObject({
        'access-control-allow-origin': '*',
        'access-control-allow-methods': 'GET, POST, PUT, DELETE, OPTIONS',
        'access-control-allow-headers': 'authorization, content-type, x-api-version, x-environment, x-include-drafts, accept, user-agent',
        'access-control-expose-headers': EXPOSED,
        'content-length': '0',
      });
    }
  });

  it('refuses an OPTIONS request that is no preflight in the envelope, still readable cross-origin', async () => {
    const partial: Record<string, string>[] = [{}, { origin: ORIGIN }, { 'access-control-request-method': 'GET' }];
    for (const headers of partial) {
      const res = await h.request('OPTIONS', '/items', { headers });
      expect(res.statusCode, JSON.stringify(headers)).toBe(400);
      expect(res.json().data[0].attributes.code).toBe('INVALID_PREFLIGHT_REQUEST');
      expect(res.headers['access-control-allow-methods']).toBeUndefined();
    }
  });

  it('lets any origin read answers, refusals and not-found answers alike, with or without an Origin header', async () => {
    const answers = [
      await h.request('GET', '/access_tokens', { token: h.adminSecret, headers: { origin: ORIGIN } }),
      await h.request('GET', '/access_tokens', { token: h.adminSecret }),
      await h.request('GET', '/access_tokens', { headers: { origin: ORIGIN } }),
      await h.request('GET', '/no-such-path', { token: h.adminSecret, headers: { origin: ORIGIN } }),
    ];
    expect(answers.map((res) => res.statusCode)).toEqual([200, 200, 401, 404]);
    for (const res of answers) {
      expect(res.headers['access-control-allow-origin']).toBe('*');
      expect(res.headers['access-control-expose-headers']).toBe(EXPOSED);
      expect(res.headers['access-control-allow-methods']).toBeUndefined();
    }
  });
});
