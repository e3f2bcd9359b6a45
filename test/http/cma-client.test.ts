/**
 * The official `@datocms/cma-client-node`, unchanged, over real HTTP: every access-token and role
 * method plus `users.findMe`, with the flattened results and ApiErrors its users rely on.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { ApiError, buildClient, type Client } from '@datocms/cma-client-node';
import { generateSecret } from '../../src/core/secret.ts';
import { DIALECTS } from '../support/databases.ts';
import { startHarness, type Harness } from '../support/harness.ts';
import { adminRoleId } from './fixtures.ts';
import { insertTokens } from '../support/bulk-tokens.ts';
import { STREAM_CHUNK } from '../../src/http/lists.ts';

async function rejection(promise: Promise<unknown>): Promise<ApiError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ApiError);
  return error as ApiError;
}

for (const dialect of DIALECTS) {
  describe(`${dialect}: the official CMA client`, () => {
    let h: Harness;
    let baseUrl: string;
    let client: Client;
    let adminRole: string;
    const clientFor = (apiToken: string) => buildClient({ apiToken, baseUrl, autoRetry: false });

    beforeAll(async () => {
      h = await startHarness({ dialect });
      baseUrl = await h.listen();
      client = clientFor(h.adminSecret);
      adminRole = await adminRoleId(h);
    });
    afterAll(() => h.close());
    // A fresh rate-limit window for each test; the clock is fake.
    beforeEach(() => h.clock.advance(3_000));

    it('lists the factory tokens, flattened, with their secrets for a token manager', async () => {
      const tokens = await client.accessTokens.list();
      expect(tokens.map((t) => t.hardcoded_type)).toEqual(['readonly', 'admin']);
      const admin = tokens.find((t) => t.hardcoded_type === 'admin');
      expect(admin).toMatchObject({
        type: 'access_token',
        name: 'Full-access API token',
        token: h.adminSecret,
        can_access_cma: true,
        can_access_cda: true,
        can_access_cda_preview: true,
        role: { type: 'role', id: adminRole },
      });
      expect(['today', 'never']).toContain(admin?.last_cma_access);
      expect(admin?.last_cda_access).toBe('never');
    });

    it('creates, finds, updates, rotates and destroys a token', async () => {
      const created = await client.accessTokens.create({
        name: 'CI deploys',
        can_access_cda: true,
        can_access_cda_preview: false,
        can_access_cma: true,
        role: { type: 'role', id: adminRole },
      });
      expect(created).toMatchObject({
        type: 'access_token',
        name: 'CI deploys',
        hardcoded_type: null,
        can_access_cda: true,
        can_access_cda_preview: false,
        can_access_cma: true,
        last_cma_access: 'never',
        last_cda_access: 'never',
        role: { type: 'role', id: adminRole },
      });
      expect(created.token).toMatch(/^lk_[0-9A-Za-z]{36}$/);
      const secret = created.token as string;

      const found = await client.accessTokens.find(created.id);
      expect(found).toEqual(created);

      const updated = await client.accessTokens.update(created.id, {
        name: 'CI deploys (renamed)',
        can_access_cda: false,
        can_access_cda_preview: false,
        can_access_cma: true,
      });
      expect(updated).toMatchObject({
        id: created.id,
        name: 'CI deploys (renamed)',
        can_access_cda: false,
        token: secret,
        role: { type: 'role', id: adminRole },
      });

      // The new token works for its own reads before rotation…
      expect((await clientFor(secret).users.findMe()).id).toBe(created.id);
      const rotated = await client.accessTokens.regenerateToken(created.id);
      expect(rotated.id).toBe(created.id);
      expect(rotated.token).toMatch(/^lk_/);
      expect(rotated.token).not.toBe(secret);
      expect(rotated).toMatchObject({ name: 'CI deploys (renamed)', can_access_cma: true, role: { type: 'role', id: adminRole } });
      // …and the old secret is refused on the very next request.
      const stale = await rejection(clientFor(secret).users.findMe());
      expect(stale.response.status).toBe(401);
      expect(stale.findError('INVALID_AUTHORIZATION_HEADER')).toBeTruthy();
      expect((await clientFor(rotated.token as string).users.findMe()).id).toBe(created.id);

      const destroyed = await client.accessTokens.destroy(created.id);
      expect(destroyed).toMatchObject({ type: 'access_token', id: created.id, name: 'CI deploys (renamed)' });
      const gone = await rejection(client.accessTokens.find(created.id));
      expect(gone.response.status).toBe(404);
      expect(gone.findError('NOT_FOUND')).toBeTruthy();
      const revoked = await rejection(clientFor(rotated.token as string).users.findMe());
      expect(revoked.response.status).toBe(401);
    });

    it('moves the role on update only when one is sent', async () => {
      const editor = await client.roles.create({ name: 'Token editors', can_manage_access_tokens: true });
      const token = await client.accessTokens.create({
        name: 'Moves',
        can_access_cda: false,
        can_access_cda_preview: false,
        can_access_cma: true,
        role: { type: 'role', id: adminRole },
      });
      const moved = await client.accessTokens.update(token.id, {
        name: 'Moves',
        can_access_cda: false,
        can_access_cda_preview: false,
        can_access_cma: true,
        role: { type: 'role', id: editor.id },
      });
      expect(moved.role).toEqual({ type: 'role', id: editor.id });
      expect((await client.accessTokens.find(token.id)).role).toEqual({ type: 'role', id: editor.id });
      await client.accessTokens.destroy(token.id);
      await client.roles.destroy(editor.id);
    });

    it('destroys with a destination owner in the query string', async () => {
      const token = await client.accessTokens.create({
        name: 'Owner',
        can_access_cda: true,
        can_access_cda_preview: false,
        can_access_cma: false,
        role: { type: 'role', id: adminRole },
      });
      const destroyed = await client.accessTokens.destroy(token.id, { destination_user_type: 'account', destination_user_id: '1' });
      expect(destroyed.id).toBe(token.id);
    });

    it('refuses to edit a factory token but rotates and deletes it', async () => {
      const readonly = (await client.accessTokens.list()).find((t) => t.hardcoded_type === 'readonly');
      if (!readonly) throw new Error('no read-only factory token');
      const error = await rejection(
        client.accessTokens.update(readonly.id, { name: 'Renamed', can_access_cda: true, can_access_cda_preview: false, can_access_cma: false }),
      );
      expect(error.response.status).toBe(422);
      expect(error.findError('NON_EDITABLE_ACCESS_TOKEN')).toBeTruthy();
      expect((await client.accessTokens.find(readonly.id)).name).toBe('Read-only API token');

      const rotated = await client.accessTokens.regenerateToken(readonly.id);
      expect(rotated).toMatchObject({ hardcoded_type: 'readonly', name: 'Read-only API token' });
      expect(rotated.token).not.toBe(h.readonlySecret);
      const destroyed = await client.accessTokens.destroy(readonly.id);
      expect(destroyed).toMatchObject({ id: readonly.id, hardcoded_type: 'readonly' });
    });

    it('refuses a token deleting itself', async () => {
      const me = await client.users.findMe();
      const error = await rejection(client.accessTokens.destroy(me.id));
      expect(error.response.status).toBe(422);
      expect(error.findError('CANNOT_DESTROY_CURRENT_USER')).toBeTruthy();
      expect((await client.accessTokens.find(me.id)).id).toBe(me.id);
    });

    it('reports a missing role flag as INSUFFICIENT_PERMISSIONS', async () => {
      const reader = await client.roles.create({ name: 'Readers' });
      const token = await client.accessTokens.create({
        name: 'Reader',
        can_access_cda: false,
        can_access_cda_preview: false,
        can_access_cma: true,
        role: { type: 'role', id: reader.id },
      });
      const readerClient = clientFor(token.token as string);
      const listed = await readerClient.accessTokens.list();
      expect(listed.length).toBeGreaterThan(0);
      expect(listed.every((t) => t.token === null)).toBe(true);
      const error = await rejection(
        readerClient.accessTokens.create({
          name: 'Nope',
          can_access_cda: true,
          can_access_cda_preview: false,
          can_access_cma: false,
          role: { type: 'role', id: reader.id },
        }),
      );
      expect(error.response.status).toBe(403);
      expect(error.findError('INSUFFICIENT_PERMISSIONS', (d) => d.flag === 'can_manage_access_tokens')).toBeTruthy();
      await client.accessTokens.destroy(token.id);
      await client.roles.destroy(reader.id);
    });

    it('lists, creates, finds, updates, duplicates and destroys roles', async () => {
      const roles = await client.roles.list();
      expect(roles.map((r) => r.name)).toContain('Admin');
      const admin = roles.find((r) => r.name === 'Admin');
      expect(admin).toMatchObject({ type: 'role', id: adminRole, can_manage_access_tokens: true, inherits_permissions_from: [] });

      const created = await client.roles.create({
        name: 'Editors',
        can_edit_schema: true,
        environments_access: 'primary_only',
        positive_item_type_permissions: [{ item_type: null, action: 'read', on_creator: 'anyone', environment: 'main', localization_scope: 'all' }],
        inherits_permissions_from: [],
      });
      expect(created).toMatchObject({
        type: 'role',
        name: 'Editors',
        can_edit_schema: true,
        can_manage_access_tokens: false,
        environments_access: 'primary_only',
        positive_item_type_permissions: [{ item_type: null, action: 'read', on_creator: 'anyone', environment: 'main', localization_scope: 'all' }],
        negative_item_type_permissions: [],
        inherits_permissions_from: [],
      });
      expect(await client.roles.find(created.id)).toEqual(created);

      const updated = await client.roles.update(created.id, {
        name: 'Senior editors',
        can_manage_users: true,
        inherits_permissions_from: [{ type: 'role', id: adminRole }],
      });
      expect(updated).toMatchObject({
        id: created.id,
        name: 'Senior editors',
        can_edit_schema: true,
        can_manage_users: true,
        inherits_permissions_from: [{ type: 'role', id: adminRole }],
      });
      expect(updated.positive_item_type_permissions).toEqual(created.positive_item_type_permissions);

      const copy = await client.roles.duplicate(created.id);
      expect(copy.id).not.toBe(created.id);
      expect(copy).toMatchObject({ name: 'Senior editors (duplicate #1)', can_edit_schema: true, can_manage_users: true });
      const second = await client.roles.duplicate(created.id);
      expect(second.name).toBe('Senior editors (duplicate #2)');

      for (const role of [second, copy, created]) {
        const destroyed = await client.roles.destroy(role.id);
        expect(destroyed).toMatchObject({ type: 'role', id: role.id });
      }
      const gone = await rejection(client.roles.find(created.id));
      expect(gone.response.status).toBe(404);
      expect(gone.findError('NOT_FOUND')).toBeTruthy();
    });

    it('refuses to delete a role in use', async () => {
      const error = await rejection(client.roles.destroy(adminRole));
      expect(error.response.status).toBe(422);
      expect(error.findError('DELETE_RESTRICTION')).toBeTruthy();
      expect((await client.roles.find(adminRole)).name).toBe('Admin');
    });

    it('answers findMe with the calling token and its effective access', async () => {
      const me = await client.users.findMe();
      expect(me).toMatchObject({ type: 'access_token', hardcoded_type: 'admin', role: { type: 'role', id: adminRole } });
      const meta = (me as unknown as { meta: { effective_access: { permissions: string[]; surfaces: Record<string, boolean> } } }).meta;
      expect(meta.effective_access.surfaces).toEqual({ can_access_cma: true, can_access_cda: true, can_access_cda_preview: true });
    });

    it('surfaces an unknown, well-formed token as a 401 ApiError', async () => {
      const error = await rejection(clientFor(generateSecret(randomBytes)).roles.list());
      expect(error.response.status).toBe(401);
      expect(error.findError('INVALID_AUTHORIZATION_HEADER')).toBeTruthy();
    });
  });
}

/** Lists longer than one streamed chunk, through the same client: whole, and page by page. */
for (const dialect of DIALECTS) {
  describe(`${dialect}: the official CMA client on long lists`, () => {
    let h: Harness;
    let client: Client;
    const total = STREAM_CHUNK + 13 + 2;

    beforeAll(async () => {
      h = await startHarness({ dialect });
      client = buildClient({ apiToken: h.adminSecret, baseUrl: await h.listen(), autoRetry: false });
      await insertTokens(h, total - 2, await adminRoleId(h));
    });
    afterAll(() => h.close());

    it('gets every token from accessTokens.list(), which sends no page parameters', async () => {
      const tokens = await client.accessTokens.list();
      expect(tokens).toHaveLength(total);
      expect(new Set(tokens.map((t) => t.id)).size).toBe(total);
      expect(tokens.find((t) => t.hardcoded_type === 'admin')?.token).toBe(h.adminSecret);
    });

    it('pages with page[offset]/page[limit] and meta.total_count, as its paged iterators do', async () => {
      type Page = { data: { id: string }[]; meta: { total_count: number } };
      const perPage = 100;
      const first = await client.request<Page>({ method: 'GET', url: '/access_tokens', queryParams: { page: { offset: 0, limit: perPage } } });
      expect(first.meta.total_count).toBe(total);
      const seen = first.data.map((t) => t.id);
      for (let offset = perPage; offset < first.meta.total_count; offset += perPage) {
        const page = await client.request<Page>({ method: 'GET', url: '/access_tokens', queryParams: { page: { offset, limit: perPage } } });
        seen.push(...page.data.map((t) => t.id));
      }
      expect(seen).toEqual((await client.accessTokens.list()).map((t) => t.id));
    });
  });
}
