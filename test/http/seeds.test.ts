/**
 * The create and update examples of the DatoCMS API-token documentation, byte for byte (only the
 * role and token ids substituted), with the headers they show, answered in the shape they show.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DIALECTS } from '../support/databases.ts';
import { startHarness, type Harness } from '../support/harness.ts';
import { createRole, expectProblem, resourceOf } from './fixtures.ts';

const CREATE_BODY =
  '{"data":{"type":"access_token","attributes":{"name":"Read-only API token","can_access_cda":true,"can_access_cda_preview":true,"can_access_cma":true},"relationships":{"role":{"data":{"type":"role","id":"34"}}}}}';
const UPDATE_BODY =
  '{"data":{"type":"access_token","id":"312","attributes":{"name":"Read-only API token","can_access_cda":true,"can_access_cda_preview":true,"can_access_cma":true}}}';

/** The JavaScript example's body: `JSON.stringify` of the same document, as `fetch` would send it. */
const CREATE_PRETTY = `{
"data": {
"type": "access_token",
"attributes": {
"name": "Read-only API token",
"can_access_cda": true,
"can_access_cda_preview": true,
"can_access_cma": true
},
"relationships": {
"role": {
"data": {
"type": "role",
"id": "34"
}
}
}
}
}`;

const SEED_ATTRIBUTES = ['name', 'hardcoded_type', 'can_access_cda', 'can_access_cda_preview', 'can_access_cma', 'last_cma_access', 'last_cda_access'];

for (const dialect of DIALECTS) {
  describe(`${dialect}: the seed examples`, () => {
    let h: Harness;
    let roleId: string;
    const send = (method: 'POST' | 'PUT', url: string, body: string) =>
      h.app.inject({
        method,
        url,
        headers: {
          authorization: `Bearer ${h.adminSecret}`,
          accept: 'application/json',
          'x-api-version': '3',
          'content-type': 'application/vnd.api+json',
        },
        payload: body,
      });

    beforeAll(async () => {
      h = await startHarness({ dialect });
      roleId = await createRole(h, { can_edit_schema: true });
    });
    afterAll(() => h.close());
    // A fresh rate-limit window for each test; the clock is fake.
    beforeEach(() => h.clock.advance(3_000));

    function expectSeedShape(res: Awaited<ReturnType<typeof send>>, id: string | null, role: string) {
      expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(res.headers['x-ratelimit-limit']).toBeDefined();
      expect(res.headers['x-ratelimit-remaining']).toBeDefined();
      const body = res.json() as Record<string, unknown>;
      expect(Object.keys(body)).toEqual(['data']);
      const data = resourceOf(res);
      expect(data.type).toBe('access_token');
      expect(data.id).toMatch(/^\d+$/);
      if (id !== null) expect(data.id).toBe(id);
      for (const key of SEED_ATTRIBUTES) expect(data.attributes).toHaveProperty(key);
      expect(data.attributes).toMatchObject({
        name: 'Read-only API token',
        hardcoded_type: null,
        can_access_cda: true,
        can_access_cda_preview: true,
        can_access_cma: true,
        last_cma_access: 'never',
        last_cda_access: 'never',
      });
      expect(data.attributes.token).toMatch(/^lk_/);
      expect(data.relationships?.role).toEqual({ data: { type: 'role', id: role } });
      return data;
    }

    it('accepts the create example (compact, as curl sends it) and answers 201 in its shape', async () => {
      const res = await send('POST', '/access_tokens', CREATE_BODY.replace('"id":"34"', `"id":"${roleId}"`));
      expect(res.statusCode, res.body).toBe(201);
      expectSeedShape(res, null, roleId);
    });

    it('accepts the create example as the JavaScript example sends it', async () => {
      const res = await send('POST', '/access_tokens', CREATE_PRETTY.replace('"id": "34"', `"id": "${roleId}"`));
      expect(res.statusCode, res.body).toBe(201);
      expectSeedShape(res, null, roleId);
    });

    it('accepts the update example, keeps the role it omits, keeps the secret, and answers 200 in its shape', async () => {
      const created = await send('POST', '/access_tokens', CREATE_BODY.replace('"id":"34"', `"id":"${roleId}"`).replace('Read-only API token', 'Before'));
      expect(created.statusCode).toBe(201);
      const { id, attributes } = resourceOf(created);
      const res = await send('PUT', `/access_tokens/${id}`, UPDATE_BODY.replace('"id":"312"', `"id":"${id}"`));
      expect(res.statusCode, res.body).toBe(200);
      const data = expectSeedShape(res, id, roleId);
      expect(data.attributes.token).toBe(attributes.token);
      const reread = await h.request('GET', `/access_tokens/${id}`, { token: h.adminSecret });
      expect(resourceOf(reread).attributes.name).toBe('Read-only API token');
    });

    it('answers the update example on a factory token with NON_EDITABLE_ACCESS_TOKEN', async () => {
      const list = await h.request('GET', '/access_tokens', { token: h.adminSecret });
      const factory = (list.json() as { data: { id: string; attributes: { hardcoded_type: string | null } }[] }).data.find(
        (t) => t.attributes.hardcoded_type === 'readonly',
      );
      if (!factory) throw new Error('no read-only factory token');
      const res = await send('PUT', `/access_tokens/${factory.id}`, UPDATE_BODY.replace('"id":"312"', `"id":"${factory.id}"`));
      expectProblem(res, 422, 'NON_EDITABLE_ACCESS_TOKEN');
      const after = await h.request('GET', `/access_tokens/${factory.id}`, { token: h.adminSecret });
      expect(resourceOf(after).attributes).toMatchObject({ can_access_cma: false, can_access_cda_preview: false });
    });

    it('answers the create example naming a role that does not exist with INVALID_RELATIONSHIP', async () => {
      const before = await h.request('GET', '/access_tokens', { token: h.adminSecret });
      expect((await h.request('GET', '/roles/34', { token: h.adminSecret })).statusCode).toBe(404);
      const res = await send('POST', '/access_tokens', CREATE_BODY);
      expectProblem(res, 422, 'INVALID_RELATIONSHIP');
      const after = await h.request('GET', '/access_tokens', { token: h.adminSecret });
      expect((after.json() as { data: unknown[] }).data).toHaveLength((before.json() as { data: unknown[] }).data.length);
    });
  });
}
