import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DIALECTS } from '../support/databases.ts';
import { startHarness, type Harness } from '../support/harness.ts';
import { createToken, errorOf, tokenDocument } from '../support/tokens.ts';

for (const dialect of DIALECTS) {
  describe(`${dialect}: permission strings on the CMA`, () => {
    let h: Harness;
    beforeAll(async () => {
      h = await startHarness({ dialect });
    });
    afterAll(() => h.close());
    // Keep the admin token clear of its own rate limit.
    beforeEach(() => h.clock.advance(3_000));

    it('refuses an endpoint whose permission no string covers, naming it (layer 6)', async () => {
      const t = await createToken(h, { attributes: { permissions: ['content:*'] } });
      const res = await h.request('GET', '/access_tokens', { token: t.secret });
      expect(res.statusCode).toBe(403);
      expect(errorOf(res)).toEqual({
        code: 'INSUFFICIENT_PERMISSIONS',
        details: { layer: 'permissions', reason: 'missing_permission', permission: 'api-keys:read' },
      });
    });

    it('lets `*:read` read every resource and write none', async () => {
      const t = await createToken(h, { attributes: { permissions: ['*:read'] } });
      for (const url of ['/access_tokens', '/roles', '/users', '/site']) {
        expect((await h.request('GET', url, { token: t.secret })).statusCode, url).toBe(200);
      }
      const write = await h.request('POST', '/roles', { token: t.secret, body: { data: { type: 'role', attributes: { name: 'x' } } } });
      expect(write.statusCode).toBe(403);
      expect(errorOf(write).details).toMatchObject({ layer: 'permissions', permission: 'roles:write' });
    });

    it('checks the permission before the role: the role allows it, the strings do not', async () => {
      const t = await createToken(h, { attributes: { permissions: ['api-keys:read'] } });
      expect((await h.request('GET', '/access_tokens', { token: t.secret })).statusCode).toBe(200);
      const res = await h.request('PUT', '/site', { token: t.secret, body: { data: { type: 'site', attributes: { name: 'n' } } } });
      expect(errorOf(res).details).toMatchObject({ layer: 'permissions', permission: 'site:write' });
    });

    it('lets a token with an empty list authenticate but reach nothing that needs a permission', async () => {
      const t = await createToken(h, { attributes: { permissions: [] } });
      expect((await h.request('GET', '/users/me', { token: t.secret })).statusCode).toBe(200);
      expect((await h.request('GET', '/roles', { token: t.secret })).statusCode).toBe(403);
    });

    it('rejects unknown strings with INVALID_FIELD and creates nothing', async () => {
      const before = (await h.request('GET', '/access_tokens', { token: h.adminSecret })).json().data.length;
      const res = await h.request('POST', '/access_tokens', {
        token: h.adminSecret,
        body: tokenDocument({ attributes: { permissions: ['content:read', 'content:fly', 'blog:*'] } }),
      });
      expect(res.statusCode).toBe(422);
      expect(errorOf(res)).toMatchObject({ code: 'INVALID_FIELD', details: { field: 'permissions', unknown: ['content:fly', 'blog:*'] } });
      expect((await h.request('GET', '/access_tokens', { token: h.adminSecret })).json().data).toHaveLength(before);
    });

    it('defaults to ["*"] and returns the strings as given', async () => {
      expect((await createToken(h)).attributes.permissions).toEqual(['*']);
      expect((await createToken(h, { attributes: { permissions: ['*:read', 'content:*'] } })).attributes.permissions).toEqual(['*:read', 'content:*']);
    });

    it('applies a change of permissions on the very next request', async () => {
      const t = await createToken(h);
      expect((await h.request('GET', '/roles', { token: t.secret })).statusCode).toBe(200);
      await h.request('PUT', `/access_tokens/${t.id}`, {
        token: h.adminSecret,
        body: { data: { type: 'access_token', id: t.id, attributes: { permissions: ['site:read'] } } },
      });
      expect((await h.request('GET', '/roles', { token: t.secret })).statusCode).toBe(403);
    });
  });
}
