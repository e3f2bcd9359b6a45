/**
 * Every route declares what it needs, once. The registered routes (as the guard's `onRoute` hook
 * saw them) are exactly the endpoint table plus the public routes, as `docs/permissions.md` lists
 * them; every endpoint route is admitted by the one admission step (no token → 401); a route that
 * declares nothing stops `buildApp`; and no JSON body route accepts a body that is not an object.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildApp, type RouteRegistrar } from '../../src/http/app.ts';
import { registeredRoutes, type RegisteredRoute } from '../../src/http/routing.ts';
import { ENDPOINTS, PUBLIC_ROUTES, type EndpointName } from '../../src/core/endpoints.ts';
import { DIALECTS } from '../support/databases.ts';
import { startHarness, type Harness } from '../support/harness.ts';
import { code, readDoc, tableRows } from '../support/docs-table.ts';

const ACCOUNT_API = '/api/v1/admin/';
const concrete = (path: string) => path.replace(/:\w+/g, '1');

/** `docs/permissions.md`, read back as "METHOD path" → what the page says that route needs. */
function documentedRoutes(): Map<string, { endpoint: string | null; surface: string | null; permission: string | null }> {
  const doc = readDoc('permissions.md');
  const routes = new Map<string, { endpoint: string | null; surface: string | null; permission: string | null }>();
  for (const [name, paths, surface, permission] of tableRows(doc, '## Endpoints') ?? []) {
    for (const route of code(paths!)!.split(', ')) routes.set(route, { endpoint: code(name!), surface: surface!.toLowerCase(), permission: code(permission!) });
  }
  for (const [route] of tableRows(doc, '## Public routes') ?? []) routes.set(code(route!)!, { endpoint: null, surface: null, permission: null });
  return routes;
}

describe('the registered routes', () => {
  let h: Harness;
  let routes: readonly RegisteredRoute[];
  beforeAll(async () => {
    h = await startHarness();
    await h.app.ready();
    routes = registeredRoutes(h.app);
  });
  afterAll(() => h.close());

  it('are each documented with the endpoint, surface and permission they are guarded by', () => {
    const documented = documentedRoutes();
    expect(routes.length).toBeGreaterThan(Object.keys(ENDPOINTS).length);
    for (const route of routes) {
      // Fastify derives a HEAD route from each GET route; it is declared by that GET.
      const method = route.method === 'HEAD' ? 'GET' : route.method;
      if (route.method === 'HEAD') expect(routes).toContainEqual({ ...route, method: 'GET' });
      const doc = documented.get(`${method} ${route.path}`);
      expect(doc, `${route.method} ${route.path} is documented`).toBeDefined();
      expect(doc!.endpoint).toBe(route.endpoint);
      if (route.endpoint !== null) {
        const endpoint = ENDPOINTS[route.endpoint];
        expect(doc).toEqual({ endpoint: route.endpoint, surface: endpoint.surface, permission: endpoint.permission });
      } else {
        expect(PUBLIC_ROUTES.some((r) => r.method === method && r.path === route.path)).toBe(true);
      }
    }
  });

  it('cover every route of every endpoint in the table', () => {
    for (const [name, endpoint] of Object.entries(ENDPOINTS)) {
      for (const { method, path } of endpoint.routes) {
        expect(routes, `${name}: ${method} ${path}`).toContainEqual({ method, path, endpoint: name });
      }
    }
  });

  it('all refuse a request without a token, in their API’s envelope', async () => {
    const guarded = routes.filter((r) => r.endpoint !== null);
    expect(guarded.length).toBeGreaterThanOrEqual(Object.keys(ENDPOINTS).length);
    for (const route of guarded) {
      const res = await h.app.inject({ method: route.method as 'GET', url: concrete(route.path) });
      expect(res.statusCode, `${route.method} ${route.path}`).toBe(401);
      expect(res.headers['www-authenticate']).toBe('Bearer realm="latchkey"');
      if (route.method === 'HEAD') continue;
      const body = res.json();
      if (route.path.startsWith(ACCOUNT_API)) expect(body).toMatchObject({ status: 'error', error: { code: 'INVALID_AUTHORIZATION_HEADER' } });
      else expect(body.data[0].attributes.code).toBe('INVALID_AUTHORIZATION_HEADER');
    }
  });
});

describe('a route that declares nothing', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());

  const open: Record<string, RouteRegistrar> = {
    'on the app': (app) => {
      app.get('/open', async () => ({ open: true }));
    },
    'in a plugin': (app) => {
      void app.register(async (scope) => {
        scope.post('/open', async () => ({ open: true }));
      });
    },
    'under a prefix': (app) => {
      void app.register(
        async (scope) => {
          scope.delete('/:id', async () => ({ open: true }));
        },
        { prefix: '/api/v1/admin/other' },
      );
    },
  };
  for (const [where, register] of Object.entries(open)) {
    it(`stops buildApp when registered ${where}`, async () => {
      await expect(buildApp(h.runtime.deps, { extraRoutes: [register] })).rejects.toThrow(/declares no endpoint and is not a public route/);
    });
  }

  it('stops buildApp when it claims an endpoint whose table entry names another route', async () => {
    const misplaced: RouteRegistrar = (app) => {
      app.route({ method: 'GET', url: '/site/everything', config: { endpoint: 'site.find' satisfies EndpointName }, handler: async () => ({}) });
    };
    await expect(buildApp(h.runtime.deps, { extraRoutes: [misplaced] })).rejects.toThrow(/is not a route of the endpoint site\.find/);
  });

  it('does not stop an app whose routes all declare what they need', async () => {
    const app: FastifyInstance = await buildApp(h.runtime.deps);
    await app.ready();
    expect(registeredRoutes(app).filter((r) => r.endpoint !== null).length).toBeGreaterThan(0);
    await app.close();
  });
});

const NOT_OBJECTS: readonly unknown[] = [null, [], [{}], 0, 1.5, 'text', '', true, false];

for (const dialect of DIALECTS) {
  describe(`${dialect}: a JSON body that is not an object`, () => {
    let h: Harness;
    beforeAll(async () => {
      h = await startHarness({ dialect });
    });
    afterAll(() => h.close());

    /** Everything a refused write could have touched. */
    const fingerprint = async () => {
      const store = h.runtime.deps.store;
      const audit = await store.listAuditEvents({ offset: 0, limit: 1 });
      return {
        tokens: (await store.listTokens()).map((t) => [t.id, t.updatedAt]),
        roles: (await store.listRoles()).length,
        users: (await store.listUsers()).length,
        itemTypes: (await store.listItemTypes()).length,
        audit: audit.totalCount,
      };
    };

    it('is refused on every route that reads a body, and changes nothing', async () => {
      const writes = Object.values(ENDPOINTS)
        .flatMap((e) => e.routes)
        .filter((r) => r.method === 'POST' || r.method === 'PUT');
      expect(writes.length).toBeGreaterThan(10);
      const before = await fingerprint();
      for (const { method, path } of writes) {
        for (const body of NOT_OBJECTS) {
          h.clock.advance(3_000); // past the CMA rate limit
          const res = await h.request(method, concrete(path), { token: h.adminSecret, body: JSON.stringify(body) });
          const what = `${method} ${path} with ${JSON.stringify(body)}`;
          if (path.startsWith(ACCOUNT_API)) {
            // The account-token API knows one status for bad input (seed 003).
            expect(res.statusCode, what).toBe(400);
            expect(res.json(), what).toMatchObject({ status: 'error', error: { code: 'INVALID_FORMAT' } });
          } else {
            expect(res.statusCode, what).toBe(422);
            expect(res.json().data[0].attributes, what).toMatchObject({ code: 'INVALID_FORMAT', details: { pointer: '' } });
          }
        }
      }
      expect(await fingerprint()).toEqual(before);
    });

    it('is still refused only after authentication: without a token it is a 401', async () => {
      const res = await h.request('POST', '/api/v1/admin/access-tokens', { body: 'null' });
      expect(res.statusCode).toBe(401);
    });

    it('leaves the account-token API’s all-defaults create to a request without a body', async () => {
      h.clock.advance(3_000);
      const res = await h.app.inject({ method: 'POST', url: '/api/v1/admin/access-tokens', headers: { authorization: `Bearer ${h.adminSecret}` } });
      expect(res.statusCode).toBe(201);
      expect(res.json().data[0].permissions).toEqual(['*']);
    });
  });
}
