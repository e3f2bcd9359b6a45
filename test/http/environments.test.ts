/**
 * Environments: the project's one environment, `main`, answers `GET /environments` and
 * `GET /environments/main` in DatoCMS's shape, and a request naming any other environment in
 * `X-Environment` is refused with `404 INVALID_ENVIRONMENT` on every API before anything runs,
 * so nothing is read or written. The delivery API also answers at `POST /`, where the official
 * delivery client sends its queries when given Latchkey's base URL.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import { DIALECTS } from '../support/databases.ts';
import { startHarness, type Harness } from '../support/harness.ts';
import { securitySuite, type Auth, type SecurityCase, type World } from '../support/security-suite.ts';
import { asAdmin, createItem, createItemType, createToken } from '../content/fixtures.ts';
import { snapshot as directorySnapshot } from './fixtures.ts';

const envelope = (res: LightMyRequestResponse) =>
  (res.json() as { data: { attributes: { code: string; details: Record<string, unknown> } }[] }).data[0]!.attributes;

function expectInvalidEnvironment(res: LightMyRequestResponse, name?: string): void {
  expect(res.statusCode, res.body).toBe(404);
  const error = envelope(res);
  expect(error.code).toBe('INVALID_ENVIRONMENT');
  expect(error.details).toMatchObject({ primary_environment: 'main', ...(name !== undefined ? { environment: name } : {}) });
}

const post = (typeId: string, title: string) => ({
  data: { type: 'item', attributes: { title }, relationships: { item_type: { data: { type: 'item_type', id: typeId } } } },
});

for (const dialect of DIALECTS) {
  describe(`${dialect}: environments`, () => {
    let h: Harness;
    let noteType: string;
    let note: string;
    const as = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, environment: string | undefined, body?: unknown, token?: string) => {
      h.clock.advance(60);
      return h.request(method, url, {
        token: token ?? h.adminSecret,
        ...(body !== undefined ? { body } : {}),
        headers: environment === undefined ? {} : { 'x-environment': environment },
      });
    };
    /** Everything a refused request could have touched (tokens, roles, users, site, models, records). */
    const snapshot = async () => {
      const read = async (url: string) => (await asAdmin(h, 'GET', url)).json() as unknown;
      return { directory: await directorySnapshot(h), items: await read('/items?page[limit]=500&version=current'), types: await read('/item-types') };
    };

    beforeAll(async () => {
      h = await startHarness({ dialect });
      noteType = await createItemType(h, 'note', [{ api_key: 'title', field_type: 'string' }]);
      note = await createItem(h, noteType, { title: 'first' }, { publish: true });
    });
    afterAll(() => h.close());
    beforeEach(() => h.clock.advance(3_000));

    describe('GET /environments and /environments/:id', () => {
      it('lists the one primary environment, main, in DatoCMS’s shape', async () => {
        const site = (await asAdmin(h, 'GET', '/site')).json().data.attributes;
        const res = await as('GET', '/environments', undefined);
        expect(res.statusCode, res.body).toBe(200);
        const body = res.json();
        expect(body).toEqual({
          data: [
            {
              type: 'environment',
              id: 'main',
              meta: {
                status: 'ready',
                read_only_mode: false,
                created_at: site.created_at,
                last_data_change_at: expect.any(String),
                primary: true,
                forked_from: null,
              },
            },
          ],
        });
        expect(Date.parse(body.data[0].meta.last_data_change_at)).toBeGreaterThanOrEqual(Date.parse(site.created_at));
      });

      it('finds main, the same as the list shows it', async () => {
        const list = (await as('GET', '/environments', undefined)).json().data[0];
        const res = await as('GET', '/environments/main', undefined);
        expect(res.statusCode, res.body).toBe(200);
        expect(res.json()).toEqual({ data: list });
      });

      it('answers 404 NOT_FOUND for any other id, in the envelope', async () => {
        for (const id of ['sandbox', 'Main', 'primary', 'main-copy']) {
          const res = await as('GET', `/environments/${id}`, undefined);
          expect(res.statusCode, id).toBe(404);
          expect(envelope(res)).toMatchObject({ code: 'NOT_FOUND', details: { resource: 'environment', id } });
        }
      });

      it('moves last_data_change_at when a model, a record or the site settings change', async () => {
        const lastChange = async () => (await as('GET', '/environments/main', undefined)).json().data.meta.last_data_change_at as string;
        h.clock.advance(10_000);
        const recordWrite = new Date(h.clock.now() + 60).toISOString();
        await asAdmin(h, 'PUT', `/items/${note}`, { data: { type: 'item', id: note, attributes: { title: 'edited' } } });
        expect(await lastChange()).toBe(recordWrite);
        h.clock.advance(10_000);
        const modelWrite = new Date(h.clock.now() + 60).toISOString();
        expect((await asAdmin(h, 'PUT', `/item-types/${noteType}`, { data: { type: 'item_type', attributes: { name: 'Notes' } } })).statusCode).toBe(200);
        expect(await lastChange()).toBe(modelWrite);
        h.clock.advance(10_000);
        const siteWrite = new Date(h.clock.now() + 60).toISOString();
        expect((await asAdmin(h, 'PUT', '/site', { data: { type: 'site', attributes: { name: 'Renamed' } } })).statusCode).toBe(200);
        expect(await lastChange()).toBe(siteWrite);
        // Reading changes nothing.
        await as('GET', '/items', undefined);
        expect(await lastChange()).toBe(siteWrite);
      });

      it('refuses query parameters, as every resource without them does', async () => {
        for (const url of ['/environments?page[limit]=5', '/environments/main?include=x']) {
          const res = await as('GET', url, undefined);
          expect(res.statusCode, url).toBe(400);
          expect(envelope(res).code).toBe('INVALID_PARAMS');
        }
      });

      it('is read with environments:read, which *:read covers', async () => {
        const reader = await createToken(h, { cma: true, permissions: ['*:read'] });
        expect((await as('GET', '/environments', undefined, undefined, reader.secret)).statusCode).toBe(200);
        const narrow = await createToken(h, { cma: true, permissions: ['schema:read', 'site:read'] });
        const res = await as('GET', '/environments/main', undefined, undefined, narrow.secret);
        expect(res.statusCode).toBe(403);
        expect(envelope(res)).toMatchObject({ code: 'INSUFFICIENT_PERMISSIONS', details: { layer: 'permissions', permission: 'environments:read' } });
      });
    });

    describe('X-Environment', () => {
      it('accepts main, or no header, on the CMA and the CDA', async () => {
        for (const environment of [undefined, 'main']) {
          expect((await as('GET', `/items/${note}`, environment)).statusCode, String(environment)).toBe(200);
          expect((await as('GET', '/environments', environment)).statusCode).toBe(200);
          const created = await as('POST', '/items', environment, post(noteType, 'in main'));
          expect(created.statusCode, created.body).toBe(201);
          const res = await as('POST', '/graphql', environment, { query: `{ note(id: "${note}") { id } }` });
          expect(res.json(), String(environment)).toEqual({ data: { note: { id: note } } });
        }
      });

      const noBody = (): unknown => undefined;
      it.each<[string, 'POST' | 'PUT' | 'DELETE', string, () => unknown]>([
        ['POST /items', 'POST', '/items', () => post('0', 'x')],
        ['PUT /items/:id', 'PUT', '/items/:note', () => ({ data: { type: 'item', attributes: { title: 'sandboxed' } } })],
        ['DELETE /items/:id', 'DELETE', '/items/:note', noBody],
        ['PUT /items/:id/unpublish', 'PUT', '/items/:note/unpublish', noBody],
        ['POST /item-types', 'POST', '/item-types', () => ({ data: { type: 'item_type', attributes: { name: 'S', api_key: 'sandboxed', fields: [] } } })],
        ['DELETE /item-types/:id', 'DELETE', '/item-types/:type', noBody],
        ['PUT /site', 'PUT', '/site', () => ({ data: { type: 'site', attributes: { name: 'Sandbox' } } })],
        [
          'POST /access_tokens',
          'POST',
          '/access_tokens',
          () => ({ data: { type: 'access_token', attributes: { name: 'S', can_access_cma: true, can_access_cda: false, can_access_cda_preview: false } } }),
        ],
        ['POST /roles', 'POST', '/roles', () => ({ data: { type: 'role', attributes: { name: 'Sandbox role' } } })],
      ])('refuses a write aimed at a sandbox (%s) with 404 INVALID_ENVIRONMENT, changing nothing', async (_name, method, path, body) => {
        const before = await snapshot();
        const url = path.replace(':note', note).replace(':type', noteType);
        expectInvalidEnvironment(await as(method, url, 'sandbox', body()), 'sandbox');
        expect(await snapshot()).toEqual(before);
      });

      it('refuses reads too, on every resource', async () => {
        for (const url of [
          '/items',
          `/items/${note}`,
          '/item-types',
          '/site',
          '/access_tokens',
          '/roles',
          '/users/me',
          '/environments',
          '/environments/main',
          '/audit_log_events',
        ]) {
          expectInvalidEnvironment(await as('GET', url, 'sandbox'), 'sandbox');
        }
      });

      it('runs before the access decision and before any handler touches the store', async () => {
        const store = h.runtime.deps.store;
        const spies = [vi.spyOn(store, 'createItem'), vi.spyOn(store, 'searchItems'), vi.spyOn(store, 'findItem'), vi.spyOn(store, 'getSite')];
        try {
          expectInvalidEnvironment(await as('POST', '/items', 'sandbox', post(noteType, 'never')));
          expectInvalidEnvironment(await as('GET', `/items/${note}`, 'sandbox'));
          expectInvalidEnvironment(await as('POST', '/graphql', 'sandbox', { query: '{ allNotes { id } }' }));
          expectInvalidEnvironment(await as('GET', '/environments', 'sandbox'));
          for (const spy of spies) expect(spy).not.toHaveBeenCalled();
        } finally {
          for (const spy of spies) spy.mockRestore();
        }
        // Even without a valid token the answer is the environment's: no decision was taken.
        expectInvalidEnvironment(await h.request('GET', '/items', { headers: { 'x-environment': 'sandbox' } }));
      });

      it('names the refused environment only when it is short, and refuses odd values alike', async () => {
        for (const value of ['', 'Main', 'MAIN', ' main', 'main ', 'main, main', 'primary']) {
          const res = await as('GET', '/site', value);
          expect(res.statusCode, JSON.stringify(value)).toBe(404);
          expect(envelope(res).code).toBe('INVALID_ENVIRONMENT');
        }
        const long = 'x'.repeat(5_000);
        const res = await as('GET', '/site', long);
        expectInvalidEnvironment(res);
        expect(envelope(res).details).not.toHaveProperty('environment');
        expect(res.body.length).toBeLessThan(1_000);
      });

      it('refuses a delivery query aimed at another environment, on every GraphQL route, in the envelope', async () => {
        const query = `{ note(id: "${note}") { id title } }`;
        expectInvalidEnvironment(await as('POST', '/graphql', 'nonexistent-env', { query }), 'nonexistent-env');
        expectInvalidEnvironment(await as('POST', '/', 'nonexistent-env', { query }), 'nonexistent-env');
        expectInvalidEnvironment(await as('GET', `/graphql?query=${encodeURIComponent(query)}`, 'nonexistent-env'), 'nonexistent-env');
        // Drafts too, whatever the preview header says.
        h.clock.advance(60);
        const drafts = await h.request('POST', '/graphql', {
          token: h.adminSecret,
          body: { query },
          headers: { 'x-environment': 'staging', 'x-include-drafts': 'true' },
        });
        expectInvalidEnvironment(drafts, 'staging');
      });

      it('refuses on the account-token API, in its own envelope, creating nothing', async () => {
        const count = async () => (await asAdmin(h, 'GET', '/access_tokens')).json().data.length as number;
        const before = await count();
        h.clock.advance(60);
        const res = await h.request('POST', '/api/v1/admin/access-tokens', {
          token: h.adminSecret,
          body: { name: 'Sandboxed', permissions: ['content:read'] },
          headers: { 'x-environment': 'sandbox' },
        });
        expect(res.statusCode, res.body).toBe(404);
        expect(res.json()).toMatchObject({ status: 'error', error: { code: 'INVALID_ENVIRONMENT', details: { environment: 'sandbox' } } });
        expect(await count()).toBe(before);
      });

      it('is allowed by CORS preflights, so browsers can send it', async () => {
        const res = await h.app.inject({
          method: 'OPTIONS',
          url: '/graphql',
          headers: { origin: 'https://example.com', 'access-control-request-method': 'POST', 'access-control-request-headers': 'x-environment' },
        });
        expect(res.statusCode).toBe(204);
        expect(String(res.headers['access-control-allow-headers'])).toContain('x-environment');
      });
    });

    describe('GraphQL at POST /', () => {
      it('answers the same query as POST /graphql, body read as JSON whatever its content type', async () => {
        const query = `{ note(id: "${note}") { id } }`;
        h.clock.advance(60);
        const root = await h.app.inject({
          method: 'POST',
          url: '/',
          headers: { authorization: `Bearer ${h.adminSecret}`, 'content-type': 'text/plain;charset=UTF-8' },
          payload: JSON.stringify({ query }),
        });
        expect(root.statusCode, root.body).toBe(200);
        expect(root.json()).toEqual((await as('POST', '/graphql', undefined, { query })).json());
      });

      it('goes through the same access decision', async () => {
        const res = await h.request('POST', '/', { body: { query: '{ __typename }' } });
        expect(res.statusCode).toBe(401);
        expect(envelope(res).code).toBe('INVALID_AUTHORIZATION_HEADER');
        const cmaOnly = await createToken(h, { cma: true });
        const denied = await as('POST', '/', undefined, { query: '{ __typename }' }, cmaOnly.secret);
        expect(denied.statusCode).toBe(401);
        expect(envelope(denied).details).toMatchObject({ layer: 'surface', reason: 'can_access_cda' });
      });

      it('serves nothing else at /: GET / is no route', async () => {
        const res = await as('GET', '/', undefined);
        expect(res.statusCode).toBe(404);
        expect(envelope(res).code).toBe('NOT_FOUND');
      });
    });
  });
}

// The environment resource joins the shared security suite: every denial layer, per dialect.
function send(w: World, url: string, auth: Auth): Promise<LightMyRequestResponse> {
  w.h.clock.advance(60);
  return w.h.app.inject({ method: 'GET', url, headers: auth.authorization ? { authorization: auth.authorization } : {} });
}

const CASES: SecurityCase[] = [
  { name: 'GET /environments', surface: 'cma', permission: 'environments:read', shape: 'none', send: (w, auth) => send(w, '/environments', auth) },
  { name: 'GET /environments/:id', surface: 'cma', permission: 'environments:read', shape: 'none', send: (w, auth) => send(w, '/environments/main', auth) },
];

for (const dialect of DIALECTS) {
  let h: Harness | null = null;
  securitySuite(`${dialect}: the environment resource refuses what the decision refuses`, async () => (h = await startHarness({ dialect })), CASES);
  afterAll(async () => {
    await h?.close();
  });
}
