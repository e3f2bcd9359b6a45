import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../support/databases.ts';
import { startHarness, type Harness } from '../support/harness.ts';
import { createRole, createToken } from '../support/fixtures.ts';

interface Answer {
  allowed: boolean;
  layer: string | null;
  reason: string | null;
  details: Record<string, unknown>;
}

for (const dialect of DIALECTS) {
  describe(`${dialect}: explaining access`, () => {
    let h: Harness;
    beforeAll(async () => {
      h = await startHarness({ dialect });
    });
    afterAll(() => h.close());

    const check = async (tokenId: string, query: string): Promise<Answer> => {
      const res = await h.request('GET', `/access_tokens/${tokenId}/check?${query}`, { token: h.adminSecret });
      expect(res.statusCode, res.body).toBe(200);
      const body = res.json();
      expect(body.data.type).toBe('access_check');
      return body.data.attributes;
    };

    it('allows what the token may do, naming no layer', async () => {
      const admin = await createToken(h);
      expect(await check(admin.id, 'permission=api-keys:write')).toMatchObject({
        allowed: true,
        layer: null,
        reason: null,
        details: { permission: 'api-keys:write', surface: 'cma', role_flag: 'can_manage_access_tokens', network: 'no_allowlist' },
      });
    });

    it('names the state layer for disabled, expired and user-less tokens', async () => {
      const disabled = await createToken(h, { enabled: false });
      expect(await check(disabled.id, 'permission=content:read')).toMatchObject({ allowed: false, layer: 'state', reason: 'disabled' });

      const expiring = await createToken(h, { expires_at: new Date(h.clock.now() + 60_000).toISOString() });
      expect((await check(expiring.id, 'permission=content:read')).allowed).toBe(true);
      h.clock.advance(120_000);
      expect(await check(expiring.id, 'permission=content:read')).toMatchObject({ allowed: false, layer: 'state', reason: 'expired' });

      const roleId = await createRole(h, 'Writers');
      const user = await h.request('POST', '/users', {
        token: h.adminSecret,
        body: {
          data: {
            type: 'user',
            attributes: { email: 'w@example.com', full_name: 'W', is_active: false },
            relationships: { role: { data: { type: 'role', id: roleId } } },
          },
        },
      });
      const based = await createToken(h, { permissions: ['content:read'] }, { user: { data: { type: 'user', id: user.json().data.id } } });
      expect(await check(based.id, 'permission=content:read')).toMatchObject({ allowed: false, layer: 'state', reason: 'no_user' });
    });

    it('names the surface layer, per surface and for drafts', async () => {
      const readonlyId = (await h.request('GET', '/access_tokens', { token: h.adminSecret }))
        .json()
        .data.find((t: { attributes: { hardcoded_type: string } }) => t.attributes.hardcoded_type === 'readonly').id;
      expect(await check(readonlyId, 'permission=content:read')).toMatchObject({ allowed: false, layer: 'surface', reason: 'can_access_cma' });
      expect((await check(readonlyId, 'permission=content:read&surface=cda')).allowed).toBe(true);
      expect(await check(readonlyId, 'permission=content:read&surface=cda&include_drafts=true')).toMatchObject({
        allowed: false,
        layer: 'surface',
        reason: 'can_access_cda_preview',
      });
    });

    it('names the network layer when an address is given, and says when it was not checked', async () => {
      const fenced = await createToken(h, { ip_allowlist: ['10.0.0.0/8'] });
      expect(await check(fenced.id, 'permission=content:read&ip=192.168.1.1')).toMatchObject({
        allowed: false,
        layer: 'network',
        reason: 'ip_not_allowed',
        details: { ip: '192.168.1.1', status: 403, code: 'INSUFFICIENT_PERMISSIONS' },
      });
      expect(await check(fenced.id, 'permission=content:read&ip=10.1.2.3')).toMatchObject({ allowed: true, details: { network: 'checked' } });
      expect(await check(fenced.id, 'permission=content:read')).toMatchObject({ allowed: true, details: { network: 'not_checked' } });
    });

    it('names the permissions layer, including content:preview for drafts', async () => {
      const reader = await createToken(h, { permissions: ['content:read'], can_access_cda: true, can_access_cda_preview: true });
      expect(await check(reader.id, 'permission=api-keys:write')).toMatchObject({
        allowed: false,
        layer: 'permissions',
        reason: 'missing_permission',
        details: { permission: 'api-keys:write' },
      });
      expect(await check(reader.id, 'permission=content:read&surface=cda&include_drafts=true')).toMatchObject({
        layer: 'permissions',
        details: { permission: 'content:preview' },
      });
    });

    it('names the role layer with the flag the endpoints of that permission need', async () => {
      const roleId = await createRole(h, 'Plain');
      const plain = await createToken(h, {}, { role: { data: { type: 'role', id: roleId } } });
      expect(await check(plain.id, 'permission=api-keys:write')).toMatchObject({
        allowed: false,
        layer: 'role',
        reason: 'missing_role_flag',
        details: { flag: 'can_manage_access_tokens' },
      });
      expect(await check(plain.id, 'permission=audit:read')).toMatchObject({ layer: 'role', details: { flag: 'can_access_audit_log' } });
      expect((await check(plain.id, 'permission=roles:read')).allowed).toBe(true);
    });

    it('never consumes the checked token’s rate limit', async () => {
      const limited = await createToken(h, { rate_limit: { cma: { limit: 1, period_seconds: 60 } } });
      for (let i = 0; i < 5; i++) expect((await check(limited.id, 'permission=roles:read')).allowed).toBe(true);
      const own = await h.request('GET', '/roles', { token: limited.secret });
      expect(own.statusCode).toBe(200);
      expect((await h.request('GET', '/roles', { token: limited.secret })).statusCode).toBe(429);
    });

    it('answers 404, 400 and 403 like any CMA endpoint', async () => {
      const missing = await h.request('GET', '/access_tokens/999999/check?permission=content:read', { token: h.adminSecret });
      expect(missing.statusCode).toBe(404);
      for (const bad of [
        'permission=content:fly',
        '',
        'permission=content:read&surface=web',
        'permission=content:read&ip=nope',
        'permission=content:read&colour=red',
      ]) {
        const res = await h.request('GET', `/access_tokens/1/check?${bad}`, { token: h.adminSecret });
        expect(res.statusCode, bad).toBe(400);
        expect(res.json().data[0].attributes.code).toBe('INVALID_PARAMS');
      }
      const outsider = await createToken(h, { permissions: ['content:read'] });
      const denied = await h.request('GET', '/access_tokens/1/check?permission=content:read', { token: outsider.secret });
      expect(denied.statusCode).toBe(403);
      expect(denied.json().data[0].attributes.details).toMatchObject({ layer: 'permissions', permission: 'api-keys:read' });
    });

    it('spells out on /users/me which endpoints the calling token may use and why not', async () => {
      const reader = await createToken(h, { permissions: ['roles:read', 'api-keys:read'] });
      const me = await h.request('GET', '/users/me', { token: reader.secret });
      const access = me.json().data.meta.effective_access;
      expect(access).toMatchObject({
        enabled: true,
        permission_strings: ['roles:read', 'api-keys:read'],
        permissions: ['api-keys:read', 'roles:read'],
        rate_limit: null,
      });
      expect(access.endpoints.allowed).toEqual(expect.arrayContaining(['roles.list', 'access_tokens.list', 'access_tokens.check', 'users.me']));
      expect(access.endpoints.denied['audit_log_events.list']).toEqual({ layer: 'permissions', reason: 'missing_permission' });
      expect(access.endpoints.denied['roles.create']).toEqual({ layer: 'permissions', reason: 'missing_permission' });
    });
  });
}
