/**
 * Origin binding (`allowed_origins`): a request whose Origin is not on the token's list is refused
 * with 403 `origin`; CORS answers for such a token name only its origins; creators cannot widen
 * the list; the access check explains it; the audit trail records it.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DIALECTS } from '../support/databases.ts';
import { startHarness, type Harness } from '../support/harness.ts';
import { createToken, errorOf, tokenDocument } from '../support/tokens.ts';
import { grantsOf } from '../../src/core/tokens.ts';

const APP = 'https://app.example.com';
const BOUND = ['https://app.example.com', 'https://*.shop.example.com', 'http://localhost:3000'];

for (const dialect of DIALECTS) {
  describe(`${dialect}: allowed origins`, () => {
    let h: Harness;
    beforeAll(async () => {
      h = await startHarness({ dialect });
    });
    afterAll(() => h.close());
    beforeEach(() => h.clock.advance(3_000));

    const site = (secret: string, origin?: string) => h.request('GET', '/site', { token: secret, ...(origin ? { headers: { origin } } : {}) });

    it.each([
      ['an exact origin', APP],
      ['a subdomain of a pattern', 'https://eu.shop.example.com'],
      ['a deeper subdomain of a pattern', 'https://a.b.shop.example.com'],
      ['an exact origin with a port', 'http://localhost:3000'],
      ['an origin written with its default port', 'https://app.example.com:443'],
    ])('admits %s', async (_label, origin) => {
      const t = await createToken(h, { attributes: { allowed_origins: BOUND } });
      expect((await site(t.secret, origin)).statusCode).toBe(200);
    });

    it.each([
      ['another host', 'https://evil.example'],
      ['the pattern’s own domain', 'https://shop.example.com'],
      ['another scheme', 'http://app.example.com'],
      ['another port', 'http://localhost:3001'],
      ['the opaque origin', 'null'],
    ])('refuses %s with 403 `origin`', async (_label, origin) => {
      const t = await createToken(h, { attributes: { allowed_origins: BOUND } });
      const res = await site(t.secret, origin);
      expect(res.statusCode).toBe(403);
      expect(errorOf(res)).toEqual({ code: 'INSUFFICIENT_PERMISSIONS', details: { layer: 'origin', reason: 'origin_not_allowed', origin } });
    });

    it('judges only browser calls: no Origin header is no origin to refuse; null admits any origin, [] none', async () => {
      const bound = await createToken(h, { attributes: { allowed_origins: BOUND } });
      const open = await createToken(h, { attributes: { allowed_origins: null } });
      const closed = await createToken(h, { attributes: { allowed_origins: [] } });
      expect((await site(bound.secret)).statusCode).toBe(200);
      expect((await site(open.secret, 'https://anywhere.example')).statusCode).toBe(200);
      expect((await site(closed.secret, APP)).statusCode).toBe(403);
      expect((await site(closed.secret)).statusCode).toBe(200);
    });

    it('answers CORS for a bound delivery token with the caller’s origin only, and with none when refused', async () => {
      const t = await createToken(h, { attributes: { can_access_cma: false, can_access_cda: true, allowed_origins: BOUND } });
      const graphql = (origin: string) => h.request('POST', '/graphql', { token: t.secret, headers: { origin }, body: { query: '{ __typename }' } });
      const ok = await graphql(APP);
      expect(ok.statusCode).toBe(200);
      expect(ok.headers['access-control-allow-origin']).toBe(APP);
      expect(ok.headers.vary).toContain('Origin');
      const refused = await graphql('https://evil.example');
      expect(refused.statusCode).toBe(403);
      expect(refused.headers['access-control-allow-origin']).toBeUndefined();
      // A token without a list keeps the answer for any origin.
      const open = await h.request('POST', '/graphql', {
        token: h.readonlySecret,
        headers: { origin: 'https://evil.example' },
        body: { query: '{ __typename }' },
      });
      expect(open.headers['access-control-allow-origin']).toBe('*');
      // A preflight carries no token: it answers for any origin, and the real request is judged.
      const preflight = await h.request('OPTIONS', '/graphql', { headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' } });
      expect(preflight.statusCode).toBe(204);
      expect(preflight.headers['access-control-allow-origin']).toBe('*');
    });

    it('rejects entries that are neither an origin nor a pattern with INVALID_FIELD, naming them', async () => {
      const invalid = [
        'app.example.com',
        'https://app.example.com/',
        'https://app.example.com/path',
        'https://*.com',
        'ftp://files.example.com',
        'https://a.*.example.com',
      ];
      const res = await h.request('POST', '/access_tokens', {
        token: h.adminSecret,
        body: tokenDocument({ attributes: { allowed_origins: [APP, ...invalid] } }),
      });
      expect(res.statusCode).toBe(422);
      expect(errorOf(res)).toMatchObject({ code: 'INVALID_FIELD', details: { field: 'allowed_origins', invalid } });
    });

    it('lets a bound token create only tokens bound to a subset of its origins', async () => {
      const creator = await createToken(h, { attributes: { allowed_origins: ['https://*.example.com'] } });
      const create = (allowed_origins: unknown) =>
        h.request('POST', '/access_tokens', { token: creator.secret, body: tokenDocument({ attributes: { allowed_origins } }) });
      expect((await create([APP, 'https://*.shop.example.com'])).statusCode).toBe(201);
      for (const wider of [null, ['https://evil.example'], ['http://app.example.com'], ['https://*.com.example.org']]) {
        const res = await create(wider);
        expect(res.statusCode, JSON.stringify(wider)).toBe(403);
        expect(errorOf(res).details).toMatchObject({ layer: 'escalation', excess: ['allowed_origins'] });
      }
    });

    it('is explained by the access check, given an origin', async () => {
      const t = await createToken(h, { attributes: { allowed_origins: BOUND } });
      const check = async (query: string) => {
        const res = await h.request('GET', `/access_tokens/${t.id}/check?${query}`, { token: h.adminSecret });
        expect(res.statusCode, res.body).toBe(200);
        return res.json().data.attributes;
      };
      expect(await check('permission=site:read')).toMatchObject({ allowed: true, details: { origin: 'not_checked' } });
      expect(await check(`permission=site:read&origin=${encodeURIComponent(APP)}`)).toMatchObject({ allowed: true, details: { origin: 'checked' } });
      expect(await check(`permission=site:read&origin=${encodeURIComponent('https://evil.example')}`)).toMatchObject({
        allowed: false,
        layer: 'origin',
        reason: 'origin_not_allowed',
        details: { origin: 'https://evil.example' },
      });
    });

    it('is shown on /users/me beside the other restrictions the calling token holds', async () => {
      const me = async (secret: string) => (await h.request('GET', '/users/me', { token: secret, headers: { origin: APP } })).json().data.meta.effective_access;
      const bound = await createToken(h, { attributes: { allowed_origins: BOUND, ip_allowlist: ['0.0.0.0/0', '::/0'] } });
      expect(await me(bound.secret)).toMatchObject({
        allowed_origins: BOUND,
        ip_allowlist: ['0.0.0.0/0', '::/0'],
        expires_at: null,
        rate_limit: null,
        root_nodes: [],
      });
      const open = await createToken(h, { attributes: { allowed_origins: null } });
      expect(await me(open.secret)).toMatchObject({ allowed_origins: null });
    });

    it('is recorded in the audit trail, shown by the API and inherited by account tokens', async () => {
      const t = await createToken(h, { attributes: { allowed_origins: [APP] } });
      expect(t.attributes.allowed_origins).toEqual([APP]);
      const update = await h.request('PUT', `/access_tokens/${t.id}`, {
        token: h.adminSecret,
        body: { data: { type: 'access_token', id: t.id, attributes: { allowed_origins: BOUND } } },
      });
      expect(update.statusCode).toBe(200);
      const events = (await h.request('GET', `/audit_log_events?filter[subject_id]=${t.id}`, { token: h.adminSecret })).json().data as {
        attributes: { action: string; changes: Record<string, unknown> };
      }[];
      const byAction = (action: string) => events.find((e) => e.attributes.action === action)?.attributes.changes;
      expect(byAction('access_token.create')).toMatchObject({ allowed_origins: [APP] });
      expect(byAction('access_token.update')).toEqual({ allowed_origins: { from: [APP], to: BOUND } });

      const account = await h.request('POST', '/api/v1/admin/access-tokens', { token: t.secret, body: { name: 'from a bound token' } });
      expect(account.statusCode, account.body).toBe(201);
      const created = await h.runtime.store.findToken(account.json().data[0]._id);
      expect(grantsOf(created!).allowedOrigins).toEqual(BOUND);
    });
  });
}
