/**
 * The token rules of the seeds and the spec, one test per rule, over the HTTP API.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DIALECTS } from '../support/databases.ts';
import { startHarness, type Harness } from '../support/harness.ts';
import { adminRoleId, createRole, createToken, createUser, expectOk, expectProblem, resourceOf, type Resource } from './fixtures.ts';

const tokenBody = (attributes: Record<string, unknown>, relationships?: Record<string, unknown>) => ({
  data: { type: 'access_token', attributes, ...(relationships ? { relationships } : {}) },
});
const surfaces = (cma: boolean, cda = false, preview = false) => ({ can_access_cma: cma, can_access_cda: cda, can_access_cda_preview: preview });
const roleRef = (id: string) => ({ role: { data: { type: 'role', id } } });

async function factoryToken(h: Harness, type: 'admin' | 'readonly'): Promise<Resource> {
  const res = await h.request('GET', '/access_tokens', { token: h.adminSecret });
  const found = (res.json() as { data: Resource[] }).data.find((t) => t.attributes.hardcoded_type === type);
  if (!found) throw new Error(`no ${type} factory token`);
  return found;
}

for (const dialect of DIALECTS) {
  describe(`${dialect}: token rules`, () => {
    let h: Harness;
    let admin: string;
    beforeAll(async () => {
      h = await startHarness({ dialect });
      admin = await adminRoleId(h);
    });
    afterAll(() => h.close());
    // A fresh rate-limit window (60 CMA requests per 3 s) for each test; the clock is fake.
    beforeEach(() => h.clock.advance(3_000));

    it('lets only a role with can_manage_access_tokens manage tokens; others may list without secrets', async () => {
      const plain = await createRole(h);
      const reader = await createToken(h, { roleId: plain });
      const victim = await createToken(h);
      const attempts = [
        () => h.request('POST', '/access_tokens', { token: reader.secret, body: tokenBody({ name: 'x', ...surfaces(true) }, roleRef(plain)) }),
        () => h.request('PUT', `/access_tokens/${victim.id}`, { token: reader.secret, body: tokenBody({ name: 'renamed' }) }),
        () => h.request('POST', `/access_tokens/${victim.id}/regenerate_token`, { token: reader.secret }),
        () => h.request('DELETE', `/access_tokens/${victim.id}`, { token: reader.secret }),
      ];
      for (const attempt of attempts) {
        const details = expectProblem(await attempt(), 403, 'INSUFFICIENT_PERMISSIONS');
        expect(details).toMatchObject({ layer: 'role', flag: 'can_manage_access_tokens' });
      }
      const after = expectOk(await h.request('GET', `/access_tokens/${victim.id}`, { token: h.adminSecret }));
      expect(after.attributes.token).toBe(victim.secret);
      expect(after.attributes.name).not.toBe('renamed');

      const list = await h.request('GET', '/access_tokens', { token: reader.secret });
      expect(list.statusCode).toBe(200);
      const tokens = (list.json() as { data: Resource[] }).data;
      expect(tokens.length).toBeGreaterThanOrEqual(4);
      for (const t of tokens) expect(t.attributes.token).toBeNull();
    });

    it('returns the secret to token managers on every read and null to everyone else', async () => {
      const manager = await createRole(h, { can_manage_access_tokens: true });
      const managerToken = await createToken(h, { roleId: manager });
      const plainToken = await createToken(h, { roleId: await createRole(h) });
      const target = await createToken(h, { roleId: manager });
      const reads = (secret: string) => [
        h.request('GET', `/access_tokens/${target.id}`, { token: secret }).then((r) => resourceOf(r).attributes.token),
        h
          .request('GET', '/access_tokens', { token: secret })
          .then((r) => (r.json() as { data: Resource[] }).data.find((t) => t.id === target.id)?.attributes.token),
        h.request('GET', '/users/me', { token: secret }).then((r) => resourceOf(r).attributes.token),
      ];
      const [find, list, me] = await Promise.all(reads(managerToken.secret));
      expect([find, list, me]).toEqual([target.secret, target.secret, managerToken.secret]);
      const [pFind, pList, pMe] = await Promise.all(reads(plainToken.secret));
      expect([pFind, pList, pMe]).toEqual([null, null, null]);
      const updated = await h.request('PUT', `/access_tokens/${target.id}`, { token: managerToken.secret, body: tokenBody({ name: 'Updated' }) });
      expect(expectOk(updated).attributes.token).toBe(target.secret);
    });

    it('refuses to edit a factory token, but rotates and deletes it', async () => {
      // The manager receives the rotated secret, so it must hold everything the token grants (CDA).
      const manager = await createToken(h, { cda: true });
      const readonly = await factoryToken(h, 'readonly');
      for (const body of [tokenBody({ name: 'Mine now' }), tokenBody({ ...surfaces(true, true, true) }), tokenBody({}, roleRef(admin))]) {
        expectProblem(await h.request('PUT', `/access_tokens/${readonly.id}`, { token: manager.secret, body }), 422, 'NON_EDITABLE_ACCESS_TOKEN');
      }
      expect(expectOk(await h.request('GET', `/access_tokens/${readonly.id}`, { token: manager.secret })).attributes).toMatchObject({
        name: 'Read-only API token',
        ...surfaces(false, true, false),
      });
      const rotated = expectOk(await h.request('POST', `/access_tokens/${readonly.id}/regenerate_token`, { token: manager.secret }));
      expect(rotated.attributes.hardcoded_type).toBe('readonly');
      expect(rotated.attributes.token).not.toBe(h.readonlySecret);
      const deleted = expectOk(await h.request('DELETE', `/access_tokens/${readonly.id}`, { token: manager.secret }));
      expect(deleted).toMatchObject({ id: readonly.id, attributes: { hardcoded_type: 'readonly' } });
      expectProblem(await h.request('GET', `/access_tokens/${readonly.id}`, { token: manager.secret }), 404, 'NOT_FOUND');
    });

    it('refuses the old secret on the very next request after a rotation', async () => {
      const token = await createToken(h);
      expect((await h.request('GET', '/users/me', { token: token.secret })).statusCode).toBe(200);
      const rotated = expectOk(await h.request('POST', `/access_tokens/${token.id}/regenerate_token`, { token: h.adminSecret }));
      const stale = await h.request('GET', '/users/me', { token: token.secret });
      expect(expectProblem(stale, 401, 'INVALID_AUTHORIZATION_HEADER')).toMatchObject({ layer: 'token', reason: 'unknown' });
      expect(stale.headers['www-authenticate']).toContain('error="invalid_token"');
      const fresh = await h.request('GET', '/users/me', { token: rotated.attributes.token as string });
      expect(resourceOf(fresh).id).toBe(token.id);
    });

    it('keeps the old secret valid through a rotation grace period, and not a moment longer', async () => {
      const token = await createToken(h);
      const rotated = expectOk(await h.request('POST', `/access_tokens/${token.id}/regenerate_token?grace_period=60`, { token: h.adminSecret }));
      const fresh = rotated.attributes.token as string;
      expect(resourceOf(await h.request('GET', '/users/me', { token: token.secret })).id).toBe(token.id);
      h.clock.advance(50_000);
      expect((await h.request('GET', '/users/me', { token: token.secret })).statusCode).toBe(200);
      h.clock.advance(11_000);
      expect(expectProblem(await h.request('GET', '/users/me', { token: token.secret }), 401, 'INVALID_AUTHORIZATION_HEADER')).toMatchObject({
        reason: 'unknown',
      });
      expect((await h.request('GET', '/users/me', { token: fresh })).statusCode).toBe(200);
    });

    it('refuses a token deleting itself', async () => {
      const token = await createToken(h);
      expectProblem(await h.request('DELETE', `/access_tokens/${token.id}`, { token: token.secret }), 422, 'CANNOT_DESTROY_CURRENT_USER');
      expect((await h.request('GET', '/users/me', { token: token.secret })).statusCode).toBe(200);
      const adminToken = await factoryToken(h, 'admin');
      expectProblem(await h.request('DELETE', `/access_tokens/${adminToken.id}`, { token: h.adminSecret }), 422, 'CANNOT_DESTROY_CURRENT_USER');
    });

    it("applies a change of the token's role, its surface flags, or its role's flags on the very next request", async () => {
      const parent = await createRole(h, { can_manage_access_tokens: true });
      const child = await createRole(h, {}, { inherits_permissions_from: { data: [{ type: 'role', id: parent }] } });
      const plain = await createRole(h);
      const token = await createToken(h, { roleId: child });
      const tryCreate = () =>
        h.request('POST', '/access_tokens', { token: token.secret, body: tokenBody({ name: 'Child', ...surfaces(true) }, roleRef(child)) });
      const setFlag = (roleId: string, value: boolean) =>
        h.request('PUT', `/roles/${roleId}`, { token: h.adminSecret, body: { data: { type: 'role', attributes: { can_manage_access_tokens: value } } } });

      expectOk(await tryCreate(), 201);
      // The flag comes from the parent role: revoking it there revokes it for the child's token.
      expectOk(await setFlag(parent, false));
      expectProblem(await tryCreate(), 403, 'INSUFFICIENT_PERMISSIONS');
      expectOk(await setFlag(parent, true));
      expectOk(await tryCreate(), 201);

      expectOk(await h.request('PUT', `/access_tokens/${token.id}`, { token: h.adminSecret, body: tokenBody({}, roleRef(plain)) }));
      expectProblem(await tryCreate(), 403, 'INSUFFICIENT_PERMISSIONS');
      expectOk(await h.request('PUT', `/access_tokens/${token.id}`, { token: h.adminSecret, body: tokenBody({}, roleRef(child)) }));
      expectOk(await tryCreate(), 201);

      expectOk(await h.request('PUT', `/access_tokens/${token.id}`, { token: h.adminSecret, body: tokenBody(surfaces(false, true)) }));
      const refused = await h.request('GET', '/users/me', { token: token.secret });
      expect(expectProblem(refused, 401, 'INVALID_AUTHORIZATION_HEADER')).toMatchObject({ layer: 'surface', reason: 'can_access_cma' });
      expectOk(await h.request('PUT', `/access_tokens/${token.id}`, { token: h.adminSecret, body: tokenBody(surfaces(true)) }));
      expectOk(await tryCreate(), 201);

      expectOk(await h.request('PUT', `/access_tokens/${token.id}`, { token: h.adminSecret, body: tokenBody({ enabled: false }) }));
      expect(expectProblem(await h.request('GET', '/users/me', { token: token.secret }), 401, 'INVALID_AUTHORIZATION_HEADER')).toMatchObject({
        reason: 'disabled',
      });
      expectOk(await h.request('PUT', `/access_tokens/${token.id}`, { token: h.adminSecret, body: tokenBody({ enabled: true }) }));
      expect((await h.request('GET', '/users/me', { token: token.secret })).statusCode).toBe(200);
    });

    it("applies a change of a token's base user on the very next request", async () => {
      const user = await createUser(h, admin);
      const token = await createToken(h, { userId: user });
      expect(expectOk(await h.request('GET', '/users/me', { token: token.secret })).relationships?.user).toEqual({ data: { type: 'user', id: user } });
      expectOk(await h.request('PUT', `/users/${user}`, { token: h.adminSecret, body: { data: { type: 'user', attributes: { is_active: false } } } }));
      expect(expectProblem(await h.request('GET', '/users/me', { token: token.secret }), 401, 'INVALID_AUTHORIZATION_HEADER')).toMatchObject({
        reason: 'no_user',
      });
      expectOk(await h.request('PUT', `/users/${user}`, { token: h.adminSecret, body: { data: { type: 'user', attributes: { is_active: true } } } }));
      expect((await h.request('GET', '/users/me', { token: token.secret })).statusCode).toBe(200);
      const plain = await createRole(h);
      expectOk(await h.request('PUT', `/users/${user}`, { token: h.adminSecret, body: { data: { type: 'user', relationships: roleRef(plain) } } }));
      expectProblem(await h.request('POST', `/access_tokens/${token.id}/regenerate_token`, { token: token.secret }), 403, 'INSUFFICIENT_PERMISSIONS');
    });

    it('keeps the role when an update omits relationships', async () => {
      const role = await createRole(h);
      const token = await createToken(h, { roleId: role });
      const updated = expectOk(
        await h.request('PUT', `/access_tokens/${token.id}`, {
          token: h.adminSecret,
          body: { data: { type: 'access_token', id: token.id, attributes: { name: 'Renamed', ...surfaces(true, true) } } },
        }),
      );
      expect(updated.relationships?.role).toEqual({ data: { type: 'role', id: role } });
      expect(updated.attributes).toMatchObject({ name: 'Renamed', ...surfaces(true, true) });
    });

    it('refuses to delete a role used by a token, a user or an inheriting role', async () => {
      const byToken = await createRole(h);
      const token = await createToken(h, { roleId: byToken });
      const byUser = await createRole(h);
      const user = await createUser(h, byUser);
      const parent = await createRole(h);
      const heir = await createRole(h, {}, { inherits_permissions_from: { data: [{ type: 'role', id: parent }] } });
      const cases: [string, Record<string, number>][] = [
        [byToken, { access_tokens: 1 }],
        [byUser, { users: 1 }],
        [parent, { inheriting_roles: 1 }],
      ];
      for (const [roleId, usage] of cases) {
        const details = expectProblem(await h.request('DELETE', `/roles/${roleId}`, { token: h.adminSecret }), 422, 'DELETE_RESTRICTION');
        expect(details).toMatchObject(usage);
        expectOk(await h.request('GET', `/roles/${roleId}`, { token: h.adminSecret }));
      }
      expectOk(await h.request('DELETE', `/access_tokens/${token.id}`, { token: h.adminSecret }));
      expectOk(await h.request('DELETE', `/users/${user}`, { token: h.adminSecret }));
      expectOk(await h.request('DELETE', `/roles/${heir}`, { token: h.adminSecret }));
      for (const roleId of [byToken, byUser, parent]) {
        expect(expectOk(await h.request('DELETE', `/roles/${roleId}`, { token: h.adminSecret })).id).toBe(roleId);
      }
    });

    it('creates, reads, updates and deletes users, but not a user tokens are based on', async () => {
      const role = await createRole(h);
      const created = expectOk(
        await h.request('POST', '/users', {
          token: h.adminSecret,
          body: { data: { type: 'user', attributes: { email: 'grace@example.com', full_name: 'Grace Hopper' }, relationships: roleRef(role) } },
        }),
        201,
      );
      expect(created).toMatchObject({
        type: 'user',
        attributes: { email: 'grace@example.com', full_name: 'Grace Hopper', is_active: true },
        relationships: { role: { data: { type: 'role', id: role } } },
      });
      expect(expectOk(await h.request('GET', `/users/${created.id}`, { token: h.adminSecret }))).toEqual(created);
      const listed = (await h.request('GET', '/users', { token: h.adminSecret })).json() as { data: Resource[] };
      expect(listed.data.map((u) => u.id)).toContain(created.id);
      expectProblem(
        await h.request('POST', '/users', {
          token: h.adminSecret,
          body: { data: { type: 'user', attributes: { email: 'grace@example.com', full_name: 'Twin' }, relationships: roleRef(role) } },
        }),
        422,
        'INVALID_FIELD',
      );
      const updated = expectOk(
        await h.request('PUT', `/users/${created.id}`, {
          token: h.adminSecret,
          body: { data: { type: 'user', attributes: { full_name: 'Rear Admiral Hopper' } } },
        }),
      );
      expect(updated.attributes).toMatchObject({ email: 'grace@example.com', full_name: 'Rear Admiral Hopper' });

      const token = await createToken(h, { userId: created.id });
      expect(expectProblem(await h.request('DELETE', `/users/${created.id}`, { token: h.adminSecret }), 422, 'DELETE_RESTRICTION')).toMatchObject({
        access_tokens: 1,
      });
      expectOk(await h.request('DELETE', `/access_tokens/${token.id}`, { token: h.adminSecret }));
      expect(expectOk(await h.request('DELETE', `/users/${created.id}`, { token: h.adminSecret })).id).toBe(created.id);
      expectProblem(await h.request('GET', `/users/${created.id}`, { token: h.adminSecret }), 404, 'NOT_FOUND');
    });

    it('changes the site name and time zone, and rejects an unknown zone or a secret-mode change', async () => {
      const put = (attributes: Record<string, unknown>) => h.request('PUT', '/site', { token: h.adminSecret, body: { data: { type: 'site', attributes } } });
      const site = expectOk(await put({ name: 'Acme content', timezone: 'Europe/Rome' }));
      expect(site).toMatchObject({ type: 'site', attributes: { name: 'Acme content', timezone: 'Europe/Rome', secret_mode: 'retrievable' } });
      expect(expectOk(await h.request('GET', '/site', { token: h.adminSecret })).attributes).toMatchObject({ name: 'Acme content', timezone: 'Europe/Rome' });

      expect(expectProblem(await put({ timezone: 'Mars/Olympus_Mons' }), 422, 'INVALID_FIELD')).toMatchObject({ field: 'timezone' });
      expect(expectProblem(await put({ name: 'Changed', secret_mode: 'once' }), 422, 'INVALID_FIELD')).toMatchObject({ field: 'secret_mode' });
      expect(expectOk(await put({ secret_mode: 'retrievable' })).attributes.secret_mode).toBe('retrievable');
      expect(expectOk(await h.request('GET', '/site', { token: h.adminSecret })).attributes).toMatchObject({ name: 'Acme content', timezone: 'Europe/Rome' });
    });

    it('answers GET /users/me with the calling token and its effective access', async () => {
      const role = await createRole(h, { can_manage_access_tokens: true });
      const token = await createToken(h, { roleId: role, cda: true, extra: { permissions: ['api-keys:read', 'content:read'] } });
      const me = await h.request('GET', '/users/me', { token: token.secret });
      const data = expectOk(me);
      expect(data).toMatchObject({
        type: 'access_token',
        id: token.id,
        attributes: { token: token.secret },
        relationships: { role: { data: { type: 'role', id: role } } },
      });
      expect(data.meta?.effective_access).toMatchObject({
        permissions: ['content:read', 'api-keys:read'],
        surfaces: surfaces(true, true, false),
        role: { id: role },
        base_user: null,
        final_permissions: { can_manage_access_tokens: true, can_manage_users: false },
        root_nodes: [],
      });
      // Its permission strings hold: reading tokens works, writing them does not.
      expect((await h.request('GET', '/access_tokens', { token: token.secret })).statusCode).toBe(200);
      expect(
        expectProblem(await h.request('POST', `/access_tokens/${token.id}/regenerate_token`, { token: token.secret }), 403, 'INSUFFICIENT_PERMISSIONS'),
      ).toMatchObject({
        layer: 'permissions',
        permission: 'api-keys:write',
      });
    });
  });

  describe(`${dialect}: secret mode "once"`, () => {
    let h: Harness;
    beforeAll(async () => {
      h = await startHarness({ dialect, config: { secretMode: 'once' } });
    });
    afterAll(() => h.close());

    it('shows the secret only in the create and rotate responses', async () => {
      const { id, secret } = await createToken(h);
      const read = async (url: string) => resourceOf(await h.request('GET', url, { token: h.adminSecret }));
      expect((await read(`/access_tokens/${id}`)).attributes.token).toBeNull();
      const list = (await h.request('GET', '/access_tokens', { token: h.adminSecret })).json() as { data: Resource[] };
      for (const t of list.data) expect(t.attributes.token).toBeNull();
      expect(
        expectOk(await h.request('PUT', `/access_tokens/${id}`, { token: h.adminSecret, body: tokenBody({ name: 'Renamed' }) })).attributes.token,
      ).toBeNull();
      expect(expectOk(await h.request('GET', '/users/me', { token: secret })).attributes.token).toBeNull();

      const rotated = expectOk(await h.request('POST', `/access_tokens/${id}/regenerate_token`, { token: h.adminSecret }));
      expect(rotated.attributes.token).toMatch(/^lk_/);
      expect(rotated.attributes.token).not.toBe(secret);
      expect((await read(`/access_tokens/${id}`)).attributes.token).toBeNull();
      expect(expectOk(await h.request('DELETE', `/access_tokens/${id}`, { token: h.adminSecret })).attributes.token).toBeNull();
      expect((await read('/site')).attributes.secret_mode).toBe('once');
    });
  });
}
