import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../support/databases.ts';
import { startHarness, type Harness } from '../support/harness.ts';
import { createRole, createToken } from '../support/fixtures.ts';

const URL = '/api/v1/admin/access-tokens';
const SHAPE = ['_id', 'displayKey', 'key', 'name', 'permissions', 'scope', 'websiteIds'];

for (const dialect of DIALECTS) {
  describe(`${dialect}: the account-token endpoint (seed 003)`, () => {
    let h: Harness;
    beforeAll(async () => {
      h = await startHarness({ dialect });
    });
    afterAll(() => h.close());

    const post = (token: string | undefined, body: unknown) => h.request('POST', URL, { ...(token ? { token } : {}), body });
    const expectError = (res: { statusCode: number; json(): unknown }, status: number, code: string) => {
      expect(res.statusCode).toBe(status);
      expect(res.json()).toMatchObject({ status: 'error', error: { code, message: expect.any(String) } });
    };

    it('creates a token in the seed shape, whose key works and is masked in displayKey', async () => {
      const res = await post(h.adminSecret, { name: 'Read only', permissions: ['analytics:read', 'websites:read'] });
      expect(res.statusCode).toBe(201);
      const body = res.json();
      expect(body.status).toBe('success');
      expect(body.data).toHaveLength(1);
      const [token] = body.data;
      expect(Object.keys(token).sort()).toEqual(SHAPE);
      expect(token).toMatchObject({ name: 'Read only', scope: 'user', permissions: ['analytics:read', 'websites:read'], websiteIds: [] });
      expect(token.key).toMatch(/^lk_[0-9A-Za-z]{36}$/);
      expect(token.displayKey).toBe(`${token.key.slice(0, 6)}…${token.key.slice(-4)}`);

      const me = await h.request('GET', '/users/me', { token: token.key });
      expect(me.statusCode).toBe(200);
      expect(me.json().data.id).toBe(token._id);
      expect(me.json().data.meta.effective_access.permission_strings).toEqual(['analytics:read', 'websites:read']);
    });

    it('defaults: name null, permissions ["*"], and no body at all is accepted', async () => {
      const res = await h.request('POST', URL, { token: h.adminSecret });
      expect(res.statusCode).toBe(201);
      expect(res.json().data[0]).toMatchObject({ name: null, permissions: ['*'], websiteIds: [] });
    });

    it('shows the key only in the create response: never when listing', async () => {
      const created = (await post(h.adminSecret, { name: 'listed' })).json().data[0];
      const list = await h.request('GET', URL, { token: h.adminSecret });
      expect(list.statusCode).toBe(200);
      expect(list.json().status).toBe('success');
      const listed = list.json().data.find((t: { _id: string }) => t._id === created._id);
      expect(listed).toEqual({ ...created, key: undefined });
      expect(Object.keys(listed)).not.toContain('key');
      expect(list.body).not.toContain(created.key);
      for (const t of list.json().data) expect(t).not.toHaveProperty('key');
    });

    it('gives the new token the caller’s role, surfaces, expiry and allowlist', async () => {
      const roleId = await createRole(h, 'Key managers', { can_manage_access_tokens: true });
      const caller = await createToken(
        h,
        { can_access_cda: true, expires_at: '2030-01-01T00:00:00Z', ip_allowlist: ['127.0.0.0/8'] },
        { role: { data: { type: 'role', id: roleId } } },
      );
      const created = (await post(caller.secret, { name: 'child' })).json().data[0];
      const child = (await h.request('GET', `/access_tokens/${created._id}`, { token: h.adminSecret })).json().data;
      expect(child.relationships.role.data).toEqual({ type: 'role', id: roleId });
      expect(child.attributes).toMatchObject({
        can_access_cma: true,
        can_access_cda: true,
        can_access_cda_preview: false,
        expires_at: '2030-01-01T00:00:00.000Z',
        ip_allowlist: ['127.0.0.0/8'],
      });
    });

    it('refuses permissions beyond the caller’s with 403, naming the excess', async () => {
      const caller = await createToken(h, { permissions: ['api-keys:write', 'analytics:read'] });
      const beyond = await post(caller.secret, { permissions: ['analytics:read', 'websites:read'] });
      expectError(beyond, 403, 'INSUFFICIENT_PERMISSIONS');
      expect(beyond.json().error.details.excess).toEqual(['permissions:websites:read']);
      // The default ["*"] is everything, so a limited caller must name what it hands out.
      expectError(await post(caller.secret, {}), 403, 'INSUFFICIENT_PERMISSIONS');
      expect((await post(caller.secret, { permissions: ['analytics:read'] })).statusCode).toBe(201);
    });

    it('answers 400 to bad JSON, wrong types, unknown members and unknown permissions, creating nothing', async () => {
      const before = (await h.request('GET', URL, { token: h.adminSecret })).json().data.length;
      expectError(await post(h.adminSecret, '{"name":'), 400, 'INVALID_JSON_BODY');
      expectError(await post(h.adminSecret, { permissions: 'analytics:read' }), 400, 'INVALID_FORMAT');
      expectError(await post(h.adminSecret, { websiteIds: [1] }), 400, 'INVALID_FORMAT');
      expectError(await post(h.adminSecret, { name: 5 }), 400, 'INVALID_FORMAT');
      expectError(await post(h.adminSecret, { scope: 'user' }), 400, 'INVALID_FORMAT');
      expectError(await post(h.adminSecret, ['a']), 400, 'INVALID_FORMAT');
      const unknown = await post(h.adminSecret, { permissions: ['analytics:write'] });
      expectError(unknown, 400, 'INVALID_FIELD');
      expect(unknown.json().error.message).toContain('analytics:write');
      expect((await h.request('GET', URL, { token: h.adminSecret })).json().data).toHaveLength(before);
    });

    it('renders framework-level refusals in the same shape', async () => {
      const text = await h.request('POST', URL, { token: h.adminSecret, body: 'name=x', headers: { 'content-type': 'text/plain' } });
      expectError(text, 415, 'INVALID_CONTENT_TYPE_HEADER');
      const version = await h.request('GET', URL, { token: h.adminSecret, headers: { 'x-api-version': '2' } });
      expectError(version, 400, 'INVALID_API_VERSION');
    });

    it('answers 401 without a token or with a bad one, with a Bearer challenge', async () => {
      const none = await post(undefined, { name: 'x' });
      expectError(none, 401, 'INVALID_AUTHORIZATION_HEADER');
      expect(none.headers['www-authenticate']).toBe('Bearer realm="latchkey"');
      const bad = await post('lk_000000000000000000000000000000000000', { name: 'x' });
      expectError(bad, 401, 'INVALID_AUTHORIZATION_HEADER');
      expect(bad.headers['www-authenticate']).toContain('invalid_token');
      expectError(await h.request('GET', URL), 401, 'INVALID_AUTHORIZATION_HEADER');
      // A delivery-only token lacks the CMA surface this management API needs.
      const cda = await post(h.readonlySecret, {});
      expectError(cda, 401, 'INVALID_AUTHORIZATION_HEADER');
      expect(cda.json().error.details).toMatchObject({ layer: 'surface', reason: 'can_access_cma' });
    });

    it('answers 403 when the caller lacks api-keys:write (or api-keys:read to list) or the role flag', async () => {
      const reader = await createToken(h, { permissions: ['api-keys:read'] });
      const denied = await post(reader.secret, { permissions: [] });
      expectError(denied, 403, 'INSUFFICIENT_PERMISSIONS');
      expect(denied.json().error.details).toMatchObject({ layer: 'permissions', permission: 'api-keys:write' });
      expect((await h.request('GET', URL, { token: reader.secret })).statusCode).toBe(200);

      const analyst = await createToken(h, { permissions: ['analytics:read'] });
      expectError(await h.request('GET', URL, { token: analyst.secret }), 403, 'INSUFFICIENT_PERMISSIONS');

      const roleId = await createRole(h, 'No key management');
      const noFlag = await createToken(h, {}, { role: { data: { type: 'role', id: roleId } } });
      const byRole = await post(noFlag.secret, {});
      expectError(byRole, 403, 'INSUFFICIENT_PERMISSIONS');
      expect(byRole.json().error.details).toMatchObject({ layer: 'role', flag: 'can_manage_access_tokens' });
    });

    it('deletes a token (which then stops working) and answers 404 for unknown ids and routes', async () => {
      const created = (await post(h.adminSecret, { name: 'to delete' })).json().data[0];
      const res = await h.request('DELETE', `${URL}/${created._id}`, { token: h.adminSecret });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({ status: 'success', data: [{ _id: created._id, message: expect.any(String) }] });
      expect(res.json().data[0]).not.toHaveProperty('key');
      expect((await h.request('GET', '/users/me', { token: created.key })).statusCode).toBe(401);

      expectError(await h.request('DELETE', `${URL}/${created._id}`, { token: h.adminSecret }), 404, 'NOT_FOUND');
      expectError(await h.request('DELETE', `${URL}/665f0b3c4d2e1a0012345678`, { token: h.adminSecret }), 404, 'NOT_FOUND');
      expectError(await h.request('GET', '/api/v1/admin/nothing-here', { token: h.adminSecret }), 404, 'NOT_FOUND');
    });

    it('refuses to let a token delete itself (400) and needs api-keys:write to delete (403)', async () => {
      const self = (await post(h.adminSecret, { name: 'self' })).json().data[0];
      expectError(await h.request('DELETE', `${URL}/${self._id}`, { token: self.key }), 400, 'CANNOT_DESTROY_CURRENT_USER');
      const reader = await createToken(h, { permissions: ['api-keys:read'] });
      expectError(await h.request('DELETE', `${URL}/${self._id}`, { token: reader.secret }), 403, 'INSUFFICIENT_PERMISSIONS');
    });
  });
}
