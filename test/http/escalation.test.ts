/**
 * No escalation over HTTP: the 403 names the excess; rotating, editing, deleting or reading the
 * secret of a stronger token is refused (the shared manager suite, on both APIs).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DIALECTS } from '../support/databases.ts';
import { startHarness, type Harness } from '../support/harness.ts';
import { createRole, createToken, errorOf, tokenDocument } from '../support/tokens.ts';
import { managerSuite } from '../support/security-suite.ts';

for (const dialect of DIALECTS) {
  describe(`${dialect}: no escalation`, () => {
    let h: Harness;
    let managerRole: string;
    let manager: { id: string; secret: string };
    beforeAll(async () => {
      h = await startHarness({ dialect });
      managerRole = await createRole(h, 'Token manager', {
        can_manage_access_tokens: true,
        positive_item_type_permissions: [{ item_type: null, action: 'read' }],
      });
      manager = await createToken(h, {
        role: managerRole,
        attributes: { permissions: ['api-keys:*', 'content:read'], ip_allowlist: ['10.0.0.0/8'], expires_at: '2030-01-01T00:00:00Z' },
      });
    });
    afterAll(() => h.close());
    beforeEach(() => h.clock.advance(3_000));

    const asManager = (method: 'POST' | 'PUT' | 'GET', url: string, body?: unknown) =>
      h.app.inject({
        method,
        url,
        remoteAddress: '10.1.2.3',
        headers: { authorization: `Bearer ${manager.secret}`, ...(body ? { 'content-type': 'application/json' } : {}) },
        ...(body ? { payload: JSON.stringify(body) } : {}),
      });

    it('creates a token within the caller', async () => {
      const res = await asManager(
        'POST',
        '/access_tokens',
        tokenDocument({
          role: managerRole,
          attributes: { permissions: ['content:read'], ip_allowlist: ['10.1.0.0/16'], expires_at: '2029-01-01T00:00:00Z' },
        }),
      );
      expect(res.statusCode, res.body).toBe(201);
    });

    it('refuses a token that exceeds the caller, naming every excess', async () => {
      const res = await asManager('POST', '/access_tokens', tokenDocument({ role: '1', cda: true, attributes: { permissions: ['*'] } }));
      expect(res.statusCode).toBe(403);
      const { code, details } = errorOf(res);
      expect(code).toBe('INSUFFICIENT_PERMISSIONS');
      expect(details).toMatchObject({ layer: 'escalation', reason: 'exceeds_caller' });
      expect(details.excess).toEqual(
        expect.arrayContaining(['permissions:users:write', 'surface:can_access_cda', 'role:can_edit_site', 'content:create@*', 'expires_at', 'ip_allowlist']),
      );
    });

    it('refuses to rotate a stronger token, which would hand its new secret to the caller', async () => {
      const strong = await createToken(h);
      const res = await asManager('POST', `/access_tokens/${strong.id}/regenerate_token`);
      expect(res.statusCode).toBe(403);
      expect(errorOf(res).details).toMatchObject({ layer: 'escalation' });
      expect((await h.request('GET', '/site', { token: strong.secret })).statusCode).toBe(200);
    });

    it('shows the stored secret only of tokens within the caller', async () => {
      const strong = await createToken(h);
      const weak = (
        await asManager(
          'POST',
          '/access_tokens',
          tokenDocument({
            role: managerRole,
            attributes: { permissions: ['content:read'], ip_allowlist: ['10.0.0.0/8'], expires_at: '2029-01-01T00:00:00Z' },
          }),
        )
      ).json().data;
      const listed = new Map(
        (await asManager('GET', '/access_tokens')).json().data.map((t: { id: string; attributes: { token: string | null } }) => [t.id, t.attributes.token]),
      );
      expect(listed.get(strong.id)).toBeNull();
      expect(listed.get(weak.id)).toBe(weak.attributes.token);
      expect(listed.get(manager.id)).toBe(manager.secret);
    });

    it('refuses an update whose resulting token exceeds the caller, and changes nothing', async () => {
      const weak = (
        await asManager(
          'POST',
          '/access_tokens',
          tokenDocument({
            role: managerRole,
            attributes: { permissions: ['content:read'], ip_allowlist: ['10.0.0.0/8'], expires_at: '2029-01-01T00:00:00Z' },
          }),
        )
      ).json().data;
      const res = await asManager('PUT', `/access_tokens/${weak.id}`, { data: { type: 'access_token', attributes: { expires_at: null } } });
      expect(errorOf(res).details.excess).toEqual(['expires_at']);
      const after = await h.request('GET', `/access_tokens/${weak.id}`, { token: h.adminSecret });
      expect(after.json().data.attributes.expires_at).toBe('2029-01-01T00:00:00.000Z');
    });
  });
}

for (const dialect of DIALECTS) {
  let h: Harness | null = null;
  managerSuite(`${dialect}: a token manager acts only on tokens within it`, async () => (h = await startHarness({ dialect })));
  afterAll(async () => {
    await h?.close();
  });
}
