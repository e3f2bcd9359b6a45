import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../support/databases.ts';
import { startHarness, type Harness } from '../support/harness.ts';
import { createRole, createToken } from '../support/fixtures.ts';
import { createItem, createItemType } from '../content/fixtures.ts';

const run = promisify(execFile);
const URL = '/api/v1/admin/access-tokens';

for (const dialect of DIALECTS) {
  describe(`${dialect}: websites, the seed 003 request, item checks and content audit`, () => {
    let h: Harness;
    let siteType: string;
    let pageType: string;
    let websiteA: string;
    let websiteB: string;
    let pageInA: string;
    let pageInB: string;
    beforeAll(async () => {
      h = await startHarness({ dialect });
      siteType = await createItemType(h, 'website', [{ api_key: 'title', field_type: 'string' }], { tree: true });
      pageType = await createItemType(h, 'page', [{ api_key: 'title', field_type: 'string' }]);
      websiteA = await createItem(h, siteType, { title: 'A' });
      websiteB = await createItem(h, siteType, { title: 'B' });
      pageInA = await createItem(h, pageType, { title: 'a1' }, { parentId: websiteA, publish: true });
      pageInB = await createItem(h, pageType, { title: 'b1' }, { parentId: websiteB });
    });
    afterAll(() => h.close());

    it('serves the seed’s curl request as it stands, with a real token and website id', async () => {
      const base = await h.listen();
      const { stdout } = await run(
        'curl',
        [
          '-sS',
          '-X',
          'POST',
          `${base}/api/v1/admin/access-tokens`,
          '-H',
          `Authorization: Bearer ${h.adminSecret}`,
          '-H',
          'Content-Type: application/json',
          '-d',
          `{"name":"Read only","permissions":["analytics:read","websites:read"],"websiteIds":["${websiteA}"]}`,
        ],
        { timeout: 10_000 },
      );
      const body = JSON.parse(stdout);
      expect(body).toEqual({
        status: 'success',
        data: [
          {
            _id: expect.any(String),
            name: 'Read only',
            displayKey: expect.stringMatching(/^lk_.{3}….{4}$/),
            scope: 'user',
            permissions: ['analytics:read', 'websites:read'],
            websiteIds: [websiteA],
            key: expect.stringMatching(/^lk_/),
          },
        ],
      });
      const token = (await h.request('GET', `/access_tokens/${body.data[0]._id}`, { token: h.adminSecret })).json().data;
      expect(token.relationships.root_nodes.data).toEqual([{ type: 'item', id: websiteA }]);
    });

    it('makes websiteIds the new token’s root nodes, in force on its requests', async () => {
      const res = await h.request('POST', URL, { token: h.adminSecret, body: { name: 'A only', permissions: ['content:read'], websiteIds: [websiteA] } });
      expect(res.statusCode).toBe(201);
      const key = res.json().data[0].key;
      expect((await h.request('GET', `/items/${pageInA}`, { token: key })).statusCode).toBe(200);
      const outside = await h.request('GET', `/items/${pageInB}`, { token: key });
      expect(outside.statusCode).toBe(403);
      expect(outside.json().data[0].attributes.details).toMatchObject({ layer: 'scope' });
    });

    it('refuses unknown websites (404), items that are not websites (400) and websites beyond the caller’s (403)', async () => {
      const unknown = await h.request('POST', URL, { token: h.adminSecret, body: { websiteIds: ['999999'] } });
      expect(unknown.statusCode).toBe(404);
      expect(unknown.json().error.code).toBe('NOT_FOUND');
      const page = await h.request('POST', URL, { token: h.adminSecret, body: { websiteIds: [pageInA] } });
      expect(page.statusCode).toBe(400);
      expect(page.json().error).toMatchObject({ code: 'INVALID_FIELD', details: { field: 'websiteIds' } });

      const scoped = await createToken(h, { permissions: ['api-keys:write', 'content:read'] }, null, [websiteA]);
      const beyond = await h.request('POST', URL, { token: scoped.secret, body: { permissions: ['content:read'], websiteIds: [websiteB] } });
      expect(beyond.statusCode).toBe(403);
      expect(beyond.json().error.code).toBe('INSUFFICIENT_PERMISSIONS');
      // Beyond the caller's reach, a missing website gets the same 403: existence is not revealed.
      expect((await h.request('POST', URL, { token: scoped.secret, body: { permissions: ['content:read'], websiteIds: ['999999'] } })).statusCode).toBe(403);
      const within = await h.request('POST', URL, { token: scoped.secret, body: { permissions: ['content:read'], websiteIds: [websiteA] } });
      expect(within.statusCode).toBe(201);
      // "Empty means all websites available": for this caller, its own.
      const all = await h.request('POST', URL, { token: scoped.secret, body: { permissions: ['content:read'] } });
      expect(all.statusCode).toBe(201);
      expect(all.json().data[0].websiteIds).toEqual([websiteA]);
    });

    it('refuses CMA root nodes that name no item', async () => {
      const res = await h.request('POST', '/access_tokens', {
        token: h.adminSecret,
        body: {
          data: {
            type: 'access_token',
            attributes: { name: 'ghost', can_access_cma: true, can_access_cda: false, can_access_cda_preview: false },
            relationships: { role: { data: { type: 'role', id: '1' } }, root_nodes: { data: [{ type: 'item', id: '999999' }] } },
          },
        },
      });
      expect(res.statusCode).toBe(422);
      expect(res.json().data[0].attributes).toMatchObject({ code: 'INVALID_RELATIONSHIP', details: { field: 'root_nodes' } });
    });

    it('explains item access: scope and the role’s record permission', async () => {
      const scoped = await createToken(h, { permissions: ['content:read'] }, null, [websiteA]);
      const check = async (tokenId: string, item: string) =>
        (await h.request('GET', `/access_tokens/${tokenId}/check?permission=content:read&item=${item}`, { token: h.adminSecret })).json().data.attributes;
      expect(await check(scoped.id, pageInA)).toMatchObject({ allowed: true, details: { item: pageInA, content_action: 'read' } });
      expect(await check(scoped.id, pageInB)).toMatchObject({ allowed: false, layer: 'scope', reason: 'outside_root_nodes' });

      const roleId = await createRole(h, 'Website readers', {
        positive_item_type_permissions: [{ item_type: siteType, action: 'read', on_creator: 'anyone' }],
      });
      const reader = await createToken(h, { permissions: ['content:read'] }, { role: { data: { type: 'role', id: roleId } } });
      expect(await check(reader.id, websiteB)).toMatchObject({ allowed: true });
      expect(await check(reader.id, pageInB)).toMatchObject({
        allowed: false,
        layer: 'role',
        reason: 'missing_content_permission',
        details: { action: 'read', item_type: pageType },
      });
      const missing = await h.request('GET', `/access_tokens/${reader.id}/check?permission=content:read&item=999999`, { token: h.adminSecret });
      expect(missing.statusCode).toBe(404);
    });

    it('reads the checked record as the caller: one outside its reach is as unknown as a missing one', async () => {
      const manager = await createToken(h, { permissions: ['api-keys:read', 'content:read'] }, null, [websiteA]);
      const target = await createToken(h, { permissions: ['content:read'] });
      const ask = (item: string) => h.request('GET', `/access_tokens/${target.id}/check?permission=content:read&item=${item}`, { token: manager.secret });
      expect((await ask(pageInA)).json().data.attributes).toMatchObject({ allowed: true });
      const outside = await ask(pageInB);
      expect(outside.statusCode).toBe(404);
      expect(outside.json().data[0].attributes.code).toBe('NOT_FOUND');
      expect((await ask('999999')).json().data[0].attributes).toMatchObject({ code: 'NOT_FOUND' });
    });

    it('records model changes and every publish and unpublish', async () => {
      const created = await h.request('POST', '/item-types', {
        token: h.adminSecret,
        body: { data: { type: 'item_type', attributes: { name: 'Note', api_key: 'note', fields: [], tree: false } } },
      });
      const noteId = created.json().data.id;
      const renamed = await h.request('PUT', `/item-types/${noteId}`, {
        token: h.adminSecret,
        body: { data: { type: 'item_type', attributes: { name: 'Notes' } } },
      });
      const removed = await h.request('DELETE', `/item-types/${noteId}`, { token: h.adminSecret });
      const published = await h.request('PUT', `/items/${pageInB}/publish`, { token: h.adminSecret });
      const unpublished = await h.request('PUT', `/items/${pageInB}/unpublish`, { token: h.adminSecret });
      for (const res of [created, renamed, removed, published, unpublished]) expect(res.statusCode, res.body).toBeLessThan(300);

      const list = (await h.request('GET', '/audit_log_events?page[limit]=100', { token: h.adminSecret })).json().data;
      const byRequest = (res: { headers: Record<string, unknown> }) =>
        list.find((e: { attributes: { request_id: string } }) => e.attributes.request_id === res.headers['x-request-id'])?.attributes;
      expect(byRequest(created)).toMatchObject({ action: 'item_type.create', subject_type: 'item_type', subject_id: noteId, changes: { api_key: 'note' } });
      expect(byRequest(renamed)).toMatchObject({ action: 'item_type.update', changes: { name: { from: 'Note', to: 'Notes' } } });
      expect(byRequest(removed)).toMatchObject({ action: 'item_type.destroy', subject_id: noteId });
      expect(byRequest(published)).toMatchObject({
        action: 'item.publish',
        subject_type: 'item',
        subject_id: pageInB,
        client_ip: '127.0.0.1',
        changes: { status: { from: 'draft', to: 'published' } },
      });
      expect(byRequest(unpublished)).toMatchObject({ action: 'item.unpublish', subject_id: pageInB, changes: { status: { from: 'published', to: 'draft' } } });
      const setup = list.filter(
        (e: { attributes: { action: string; subject_id: string } }) => e.attributes.action === 'item.publish' && e.attributes.subject_id === pageInA,
      );
      expect(setup).toHaveLength(1);
    });
  });
}
