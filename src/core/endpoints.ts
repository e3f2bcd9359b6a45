/**
 * @module
 * What every endpoint needs, in one table: the routes (method and path) that serve it, its API
 * surface, the one permission string it requires, the role flag that gates it and, for content,
 * the role action. The HTTP layer registers each route from this table, so a route cannot exist
 * without the rule that guards it; `docs/permissions.md` lists the same table and a test keeps the
 * two (and the registered routes) in sync.
 */
import type { Permission } from './permissions.ts';
import type { ContentAction, EnforcedFlag } from './roles.ts';
import type { Surface } from './model.ts';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

export interface EndpointRoute {
  readonly method: HttpMethod;
  /** Fastify's path syntax (`:id` for a parameter). */
  readonly path: `/${string}`;
}

export interface EndpointRule {
  readonly surface: Surface;
  /** null: any authenticated caller of the surface (e.g. `GET /users/me`). */
  readonly permission: Permission | null;
  readonly roleFlag?: EnforcedFlag;
  readonly content?: ContentAction;
  /** For people reading a rule: the endpoint's routes, or what an ad-hoc rule is for. */
  readonly description: string;
}

export interface Endpoint extends EndpointRule {
  readonly routes: readonly EndpointRoute[];
}

type Extra = Partial<Pick<EndpointRule, 'roleFlag' | 'content'>>;

const describe = (routes: readonly EndpointRoute[]) => routes.map((r) => `${r.method} ${r.path}`).join(', ');

function endpoint(surface: Surface, permission: Permission | null, routes: readonly EndpointRoute[], extra: Extra): Endpoint {
  return { surface, permission, routes, description: describe(routes), ...extra };
}

const cma = (method: HttpMethod, path: EndpointRoute['path'], permission: Permission | null, extra: Extra = {}): Endpoint =>
  endpoint('cma', permission, [{ method, path }], extra);

export const ENDPOINTS = {
  'access_tokens.list': cma('GET', '/access_tokens', 'api-keys:read'),
  'access_tokens.find': cma('GET', '/access_tokens/:id', 'api-keys:read'),
  'access_tokens.create': cma('POST', '/access_tokens', 'api-keys:write', { roleFlag: 'can_manage_access_tokens' }),
  'access_tokens.update': cma('PUT', '/access_tokens/:id', 'api-keys:write', { roleFlag: 'can_manage_access_tokens' }),
  'access_tokens.rotate': cma('POST', '/access_tokens/:id/regenerate_token', 'api-keys:write', { roleFlag: 'can_manage_access_tokens' }),
  'access_tokens.destroy': cma('DELETE', '/access_tokens/:id', 'api-keys:write', { roleFlag: 'can_manage_access_tokens' }),
  'roles.list': cma('GET', '/roles', 'roles:read'),
  'roles.find': cma('GET', '/roles/:id', 'roles:read'),
  'roles.create': cma('POST', '/roles', 'roles:write', { roleFlag: 'can_manage_users' }),
  'roles.update': cma('PUT', '/roles/:id', 'roles:write', { roleFlag: 'can_manage_users' }),
  'roles.destroy': cma('DELETE', '/roles/:id', 'roles:write', { roleFlag: 'can_manage_users' }),
  'roles.duplicate': cma('POST', '/roles/:id/duplicate', 'roles:write', { roleFlag: 'can_manage_users' }),
  'users.me': cma('GET', '/users/me', null),
  'users.list': cma('GET', '/users', 'users:read', { roleFlag: 'can_manage_users' }),
  'users.find': cma('GET', '/users/:id', 'users:read', { roleFlag: 'can_manage_users' }),
  'users.create': cma('POST', '/users', 'users:write', { roleFlag: 'can_manage_users' }),
  'users.update': cma('PUT', '/users/:id', 'users:write', { roleFlag: 'can_manage_users' }),
  'users.destroy': cma('DELETE', '/users/:id', 'users:write', { roleFlag: 'can_manage_users' }),
  'site.find': cma('GET', '/site', 'site:read'),
  'site.update': cma('PUT', '/site', 'site:write', { roleFlag: 'can_edit_site' }),
  'access_tokens.check': cma('GET', '/access_tokens/:id/check', 'api-keys:read'),
  'audit_log_events.list': cma('GET', '/audit_log_events', 'audit:read', { roleFlag: 'can_access_audit_log' }),
  // The account-token API (seed 003) manages the same tokens, so it needs what the CMA routes need,
  // including the CMA surface flag: it is a management API, never open to delivery-only tokens.
  'account_tokens.list': cma('GET', '/api/v1/admin/access-tokens', 'api-keys:read'),
  'account_tokens.create': cma('POST', '/api/v1/admin/access-tokens', 'api-keys:write', { roleFlag: 'can_manage_access_tokens' }),
  'account_tokens.destroy': cma('DELETE', '/api/v1/admin/access-tokens/:id', 'api-keys:write', { roleFlag: 'can_manage_access_tokens' }),
  'item_types.list': cma('GET', '/item-types', 'schema:read'),
  'item_types.find': cma('GET', '/item-types/:id', 'schema:read'),
  'item_types.create': cma('POST', '/item-types', 'schema:write', { roleFlag: 'can_edit_schema' }),
  'item_types.update': cma('PUT', '/item-types/:id', 'schema:write', { roleFlag: 'can_edit_schema' }),
  'item_types.destroy': cma('DELETE', '/item-types/:id', 'schema:write', { roleFlag: 'can_edit_schema' }),
  'item_types.duplicate': cma('POST', '/item-types/:id/duplicate', 'schema:write', { roleFlag: 'can_edit_schema' }),
  'fields.list': cma('GET', '/item-types/:id/fields', 'schema:read'),
  'fields.create': cma('POST', '/item-types/:id/fields', 'schema:write', { roleFlag: 'can_edit_schema' }),
  'fields.find': cma('GET', '/fields/:id', 'schema:read'),
  'fields.update': cma('PUT', '/fields/:id', 'schema:write', { roleFlag: 'can_edit_schema' }),
  'fields.destroy': cma('DELETE', '/fields/:id', 'schema:write', { roleFlag: 'can_edit_schema' }),
  'items.list': cma('GET', '/items', 'content:read', { content: 'read' }),
  'items.find': cma('GET', '/items/:id', 'content:read', { content: 'read' }),
  'items.create': cma('POST', '/items', 'content:create', { content: 'create' }),
  'items.update': cma('PUT', '/items/:id', 'content:update', { content: 'update' }),
  'items.destroy': cma('DELETE', '/items/:id', 'content:delete', { content: 'delete' }),
  'items.publish': cma('PUT', '/items/:id/publish', 'content:publish', { content: 'publish' }),
  'items.unpublish': cma('PUT', '/items/:id/unpublish', 'content:publish', { content: 'publish' }),
  'environments.list': cma('GET', '/environments', 'environments:read'),
  'environments.find': cma('GET', '/environments/:id', 'environments:read'),
  'items.references': cma('GET', '/items/:id/references', 'content:read', { content: 'read' }),
  'items.bulk_publish': cma('POST', '/items/bulk/publish', 'content:publish', { content: 'publish' }),
  'items.bulk_unpublish': cma('POST', '/items/bulk/unpublish', 'content:publish', { content: 'publish' }),
  'items.bulk_destroy': cma('POST', '/items/bulk/destroy', 'content:delete', { content: 'delete' }),
  // A job's result is served to the token that started the job, whatever it may do now.
  'job_results.find': cma('GET', '/job-results/:id', null),
  // With `X-Include-Drafts: true` the decision asks for `content:preview` instead. `POST /` is
  // where `@datocms/cda-client` sends its queries when its `graphqlEndpointUrl` is the base URL.
  'cda.query': endpoint(
    'cda',
    'content:read',
    [
      { method: 'POST', path: '/graphql' },
      { method: 'GET', path: '/graphql' },
      { method: 'POST', path: '/' },
    ],
    { content: 'read' },
  ),
} as const satisfies Record<string, Endpoint>;

export type EndpointName = keyof typeof ENDPOINTS;

export interface PublicRoute {
  readonly method: HttpMethod | 'OPTIONS';
  readonly path: string;
  readonly why: string;
}

/**
 * Routes that answer without a token, each with the reason. Nothing else may: the HTTP layer
 * refuses to start when a route is neither here nor an endpoint of {@link ENDPOINTS}.
 */
export const PUBLIC_ROUTES: readonly PublicRoute[] = [
  { method: 'GET', path: '/healthz', why: 'load balancers: the process serves' },
  { method: 'GET', path: '/readyz', why: 'load balancers: the database and change listener are reachable' },
  { method: 'OPTIONS', path: '*', why: 'CORS preflight: browsers send it without credentials' },
  { method: 'GET', path: '/admin', why: 'the web console: static files; it signs in with a token and then calls the API like any client' },
  { method: 'GET', path: '/admin/*', why: 'the web console: its assets, and its page for every in-browser route' },
];
