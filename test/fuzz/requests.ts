/**
 * Generated requests over every route: the right method and shape most of the time (so that
 * requests get past authentication and parsing and reach the handlers), with one thing wrong —
 * a mutated member, an odd id, a bad header, an unknown parameter — and sometimes everything.
 */
import fc from 'fast-check';
import type { World } from './world.ts';
import { deepJsonText, hostileBodyText, hostileValue, idSegment } from './values.ts';
import { graphqlQuery, graphqlVariables } from './graphql-documents.ts';

export interface FuzzRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
}

type Resource = keyof World['ids'];
interface Route {
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  readonly path: string;
  readonly id?: Resource;
  readonly document?: (w: World) => unknown;
  readonly params?: readonly string[];
}

const named = (type: string, attributes: Record<string, unknown>, relationships?: Record<string, unknown>) => ({
  data: { type, attributes, ...(relationships ? { relationships } : {}) },
});
const ref = (type: string, id: string | undefined) => ({ data: { type, id: id ?? '1' } });

const ROUTES: readonly Route[] = [
  { method: 'GET', path: '/access_tokens', params: ['page[offset]', 'page[limit]'] },
  { method: 'GET', path: '/access_tokens/:id', id: 'token' },
  {
    method: 'POST',
    path: '/access_tokens',
    document: (w) =>
      named(
        'access_token',
        {
          name: 'Fuzz',
          can_access_cda: true,
          can_access_cda_preview: false,
          can_access_cma: false,
          permissions: ['content:read'],
          expires_at: null,
          ip_allowlist: null,
          rate_limit: null,
          enabled: true,
        },
        { role: ref('role', w.ids.role[1]), root_nodes: { data: [{ type: 'item', id: w.ids.item[1] }] } },
      ),
  },
  {
    method: 'PUT',
    path: '/access_tokens/:id',
    id: 'token',
    document: () => named('access_token', { name: 'Fuzzed', enabled: true, ip_allowlist: ['10.0.0.0/8'] }),
  },
  { method: 'POST', path: '/access_tokens/:id/regenerate_token', id: 'token', params: ['grace_period'] },
  { method: 'DELETE', path: '/access_tokens/:id', id: 'token', params: ['destination_user_type', 'destination_user_id'] },
  { method: 'GET', path: '/access_tokens/:id/check', id: 'token', params: ['permission', 'surface', 'include_drafts', 'item', 'ip'] },
  { method: 'GET', path: '/roles', params: ['page[offset]', 'page[limit]'] },
  { method: 'GET', path: '/roles/:id', id: 'role' },
  {
    method: 'POST',
    path: '/roles',
    document: (w) =>
      named(
        'role',
        {
          name: 'Fuzz role',
          can_edit_site: false,
          positive_item_type_permissions: [{ item_type: null, action: 'read', on_creator: 'anyone' }],
          negative_item_type_permissions: [],
        },
        { inherits_permissions_from: { data: [{ type: 'role', id: w.ids.role[1] }] } },
      ),
  },
  {
    method: 'PUT',
    path: '/roles/:id',
    id: 'role',
    document: () => named('role', { can_edit_schema: true, negative_item_type_permissions: [{ item_type: null, action: 'delete' }] }),
  },
  { method: 'DELETE', path: '/roles/:id', id: 'role' },
  { method: 'POST', path: '/roles/:id/duplicate', id: 'role' },
  { method: 'GET', path: '/users/me', params: ['include'] },
  { method: 'GET', path: '/users', params: ['page[offset]', 'page[limit]'] },
  { method: 'GET', path: '/users/:id', id: 'user' },
  {
    method: 'POST',
    path: '/users',
    document: (w) => named('user', { email: 'fuzz@example.com', full_name: 'Fuzz', is_active: true }, { role: ref('role', w.ids.role[1]) }),
  },
  { method: 'PUT', path: '/users/:id', id: 'user', document: () => named('user', { full_name: 'Fuzzed', is_active: true }) },
  { method: 'DELETE', path: '/users/:id', id: 'user' },
  { method: 'GET', path: '/site' },
  { method: 'PUT', path: '/site', document: () => named('site', { name: 'Fuzz site' }) },
  {
    method: 'GET',
    path: '/audit_log_events',
    params: ['filter[action]', 'filter[actor_id]', 'filter[subject_type]', 'filter[since]', 'page[offset]', 'page[limit]'],
  },
  { method: 'GET', path: '/api/v1/admin/access-tokens', params: ['page[offset]', 'page[limit]'] },
  { method: 'POST', path: '/api/v1/admin/access-tokens', document: (w) => ({ name: 'Fuzz', permissions: ['content:read'], websiteIds: [w.ids.item[0]] }) },
  { method: 'DELETE', path: '/api/v1/admin/access-tokens/:id', id: 'token' },
  { method: 'GET', path: '/item-types' },
  { method: 'GET', path: '/item-types/:id', id: 'itemType' },
  {
    method: 'POST',
    path: '/item-types',
    document: () =>
      named('item_type', {
        name: 'Fuzz',
        api_key: 'fuzz_model',
        tree: false,
        fields: [{ api_key: 'title', label: 'Title', field_type: 'string', required: false }],
      }),
  },
  { method: 'PUT', path: '/item-types/:id', id: 'itemType', document: () => named('item_type', { name: 'Fuzzed' }) },
  { method: 'DELETE', path: '/item-types/:id', id: 'itemType' },
  { method: 'POST', path: '/item-types/:id/duplicate', id: 'itemType' },
  { method: 'GET', path: '/item-types/:id/fields', id: 'itemType' },
  {
    method: 'POST',
    path: '/item-types/:id/fields',
    id: 'itemType',
    document: () =>
      named('field', {
        label: 'Fuzz',
        api_key: 'fuzz_field',
        field_type: 'string',
        validators: { length: { max: 10 }, format: { custom_pattern: '^[a-z]+$' } },
      }),
  },
  { method: 'GET', path: '/fields/:id', id: 'field' },
  { method: 'PUT', path: '/fields/:id', id: 'field', document: () => named('field', { label: 'Fuzzed', validators: { required: {} } }) },
  { method: 'DELETE', path: '/fields/:id', id: 'field' },
  {
    method: 'GET',
    path: '/items',
    params: [
      'filter[type]',
      'filter[ids]',
      'filter[parent]',
      'filter[query]',
      'filter[fields][title][eq]',
      'filter[fields][title][matches][pattern]',
      'filter[fields][score][gt]',
      'filter[fields][day][lte]',
      'filter[fields][_status][in][]',
      'filter[fields][id][notIn]',
      'order_by',
      'page[offset]',
      'page[limit]',
      'version',
      'nested',
      'locale',
    ],
  },
  { method: 'GET', path: '/items/:id/references', id: 'item', params: ['version', 'nested'] },
  ...(['publish', 'unpublish', 'destroy'] as const).map(
    (action): Route => ({
      method: 'POST',
      path: `/items/bulk/${action}`,
      document: (w) => ({ data: { type: `item_bulk_${action}_operation`, relationships: { items: { data: [{ type: 'item', id: w.ids.item[2] ?? '1' }] } } } }),
    }),
  ),
  // Job ids are random text: any segment is as good a guess as another.
  { method: 'GET', path: '/job-results/:id', id: 'item' },
  { method: 'GET', path: '/items/:id', id: 'item', params: ['version'] },
  {
    method: 'POST',
    path: '/items',
    document: (w) =>
      named(
        'item',
        { title: 'Fuzz', data: { k: [1] }, score: 2.5, day: '2026-01-01', parent_id: w.ids.item[1] },
        { item_type: ref('item_type', w.articleTypeId) },
      ),
  },
  { method: 'PUT', path: '/items/:id', id: 'item', document: () => named('item', { title: 'Fuzzed', data: null }) },
  { method: 'DELETE', path: '/items/:id', id: 'item' },
  { method: 'PUT', path: '/items/:id/publish', id: 'item' },
  { method: 'PUT', path: '/items/:id/unpublish', id: 'item' },
  { method: 'GET', path: '/environments' },
  { method: 'GET', path: '/environments/:id', id: 'environment' },
  { method: 'GET', path: '/healthz' },
  { method: 'GET', path: '/readyz' },
  { method: 'GET', path: '/admin' },
  { method: 'GET', path: '/admin/*' },
];

/** Every route pattern the suite covers (GraphQL apart), so a test can check none was forgotten. */
export const ROUTE_PATTERNS = [...ROUTES.map((r) => `${r.method} ${r.path}`), 'POST /graphql', 'GET /graphql', 'POST /'];

export const FETCH_METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD'] as const;

/** Paths to every member of a document, so a mutation can replace any one of them. */
function memberPaths(value: unknown, prefix: string[] = []): string[][] {
  return value !== null && typeof value === 'object' ? Object.entries(value).flatMap(([k, v]) => [[...prefix, k], ...memberPaths(v, [...prefix, k])]) : [];
}

function replaceAt(doc: unknown, path: readonly string[], replacement: unknown): unknown {
  const copy = structuredClone(doc) as Record<string, unknown>;
  let node = copy;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string, unknown>;
  const last = path[path.length - 1] ?? '';
  if (replacement === undefined) delete node[last];
  else node[last] = replacement;
  return copy;
}

const printable = fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 60 });

function authorization(w: World): fc.Arbitrary<string | undefined> {
  return fc.oneof(
    { arbitrary: fc.constant(`Bearer ${w.adminSecret}`), weight: 12 },
    { arbitrary: fc.constantFrom(`Bearer ${w.readonlySecret}`, `bearer ${w.adminSecret}`, `Bearer  ${w.adminSecret}`), weight: 2 },
    {
      arbitrary: fc.constantFrom(undefined, '', 'Bearer', 'Bearer ', 'Basic dXNlcjpwYXNz', `Bearer ${w.adminSecret}x`, `Bearer ${'a'.repeat(5_000)}`),
      weight: 2,
    },
    { arbitrary: printable.map((s) => `Bearer ${s}`), weight: 1 },
  );
}

const contentType = fc.constantFrom(
  'application/json',
  'application/json',
  'application/json',
  'application/vnd.api+json',
  'application/json; charset=utf-8',
  'text/plain',
  'application/x-www-form-urlencoded',
  ';;',
  'application/json; charset=latin1',
  'none',
);

/** Plain headers half the time, so that requests get past the header checks and reach the handlers. */
function headers(w: World, withBody: boolean): fc.Arbitrary<Record<string, string>> {
  const plain: Record<string, string> = { authorization: `Bearer ${w.adminSecret}`, ...(withBody ? { 'content-type': 'application/json' } : {}) };
  return fc.oneof(fc.constant(plain), oddHeaders(w, withBody));
}

function oddHeaders(w: World, withBody: boolean): fc.Arbitrary<Record<string, string>> {
  const optional = (values: readonly string[]) =>
    fc.oneof({ arbitrary: fc.constant(undefined), weight: 8 }, { arbitrary: fc.constantFrom(...values), weight: 2 });
  return fc
    .record({
      authorization: authorization(w),
      'content-type': withBody ? contentType : fc.constant('none'),
      'x-api-version': optional(['3', '2', 'latest', '']),
      'x-include-drafts': optional(['true', 'false', '1']),
      'x-environment': optional(['main', 'sandbox', 'Main', '']),
      accept: optional(['application/json', '*/*', 'text/html', 'application/vnd.api+json']),
      origin: optional(['https://example.com', 'null']),
      'access-control-request-method': optional(['GET', 'POST', 'BREW']),
    })
    .map((h) => Object.fromEntries(Object.entries(h).filter((e): e is [string, string] => e[1] !== undefined && e[1] !== 'none')));
}

const paramValue = fc.oneof(
  fc.constantFrom(
    '1',
    '0',
    '-5',
    '300',
    'true',
    'false',
    'null',
    'article',
    'user',
    'access_token',
    '2026-01-01T00:00:00Z',
    'content:read',
    'cma',
    'cda',
    '127.0.0.1',
    '::1',
    'role',
    '',
    '%',
    '%E0',
    '%00',
    'a%00b',
    '[]',
    '9'.repeat(30),
  ),
  fc.string({ unit: 'grapheme', maxLength: 30 }).map(encodeURIComponent),
);

function queryString(params: readonly string[]): fc.Arbitrary<string> {
  const key = fc.oneof(
    { arbitrary: fc.constantFrom(...params, 'x'), weight: 4 },
    { arbitrary: fc.constantFrom('access_token', 'filter[type][]', '__proto__', 'a[b][c]'), weight: 1 },
  );
  return fc.oneof(
    { arbitrary: fc.constant(''), weight: 5 },
    {
      arbitrary: fc.array(fc.tuple(key, paramValue), { minLength: 1, maxLength: 4 }).map((pairs) => `?${pairs.map(([k, v]) => `${k}=${v}`).join('&')}`),
      weight: 3,
    },
  );
}

function body(w: World, route: Route): fc.Arbitrary<string | undefined> {
  const document = route.document?.(w);
  if (document === undefined) return fc.oneof({ arbitrary: fc.constant(undefined), weight: 8 }, { arbitrary: hostileBodyText, weight: 1 });
  const paths = fc.constantFrom(...memberPaths(document));
  const mutated = fc.tuple(paths, hostileValue).map(([path, value]) => JSON.stringify(replaceAt(document, path, value)));
  // Deep values get their own share: they are what overflowed the stack past the parser.
  const placeholder = '\u0000deep\u0000';
  const deep = fc
    .tuple(paths, deepJsonText)
    .map(([path, text]) => JSON.stringify(replaceAt(document, path, placeholder)).replace(JSON.stringify(placeholder), text));
  return fc.oneof(
    { arbitrary: mutated, weight: 8 },
    { arbitrary: deep, weight: 2 },
    { arbitrary: fc.constant(JSON.stringify(document)), weight: 1 },
    { arbitrary: hostileBodyText, weight: 2 },
    { arbitrary: fc.constant(undefined), weight: 1 },
  );
}

/** The full-access token must stay able to write, or the rest of a run would test only 401s and 403s. */
function protectedIds(w: World, route: Route): readonly string[] {
  if (route.id === 'token' && route.method !== 'GET') return [w.adminTokenId];
  if (route.id === 'role' && (route.method === 'PUT' || route.method === 'DELETE')) return [w.adminRoleId];
  return [];
}

function routeRequest(w: World): fc.Arbitrary<FuzzRequest> {
  return fc.constantFrom(...ROUTES).chain((route) => {
    const protect = protectedIds(w, route);
    const id = route.id ? idSegment(w.ids[route.id]).filter((s) => !protect.includes(s)) : fc.constant('');
    const method = fc.oneof({ arbitrary: fc.constant<string>(route.method), weight: 12 }, { arbitrary: fc.constantFrom<string>(...FETCH_METHODS), weight: 1 });
    return fc.record({ method, id, query: queryString(route.params ?? []), body: body(w, route) }).chain(({ method, id, query, body }) =>
      headers(w, body !== undefined).map((h) => ({
        method,
        url: route.path.replace(':id', id) + query,
        headers: h,
        ...(body !== undefined ? { body } : {}),
      })),
    );
  });
}

function graphqlRequest(w: World): fc.Arbitrary<FuzzRequest> {
  const post = fc
    .record({ query: graphqlQuery, variables: graphqlVariables, operationName: fc.constantFrom(undefined, 'Q', 'Nope', '') }, { requiredKeys: ['query'] })
    .map((b) => JSON.stringify(Object.fromEntries(Object.entries(b).filter(([, v]) => v !== undefined))));
  const postBody = fc.oneof({ arbitrary: post, weight: 8 }, { arbitrary: hostileBodyText, weight: 1 });
  const get = fc
    .tuple(graphqlQuery, graphqlVariables)
    .map(([q, v]) => `/graphql?query=${encodeURIComponent(q)}${v === undefined ? '' : `&variables=${encodeURIComponent(JSON.stringify(v) ?? '')}`}`);
  return fc.oneof(
    postBody.chain((b) => headers(w, true).map((h) => ({ method: 'POST', url: '/graphql', headers: h, body: b }))),
    postBody.chain((b) => headers(w, true).map((h) => ({ method: 'POST', url: '/', headers: h, body: b }))),
    get.chain((url) => headers(w, false).map((h) => ({ method: 'GET', url, headers: h }))),
  );
}

function strayRequest(w: World): fc.Arbitrary<FuzzRequest> {
  const segment = fc.oneof(
    fc.constantFrom(
      'access_tokens',
      'roles',
      'users',
      'site',
      'items',
      'item-types',
      'environments',
      'main',
      'graphql',
      'api',
      'v1',
      'admin',
      'access-tokens',
      'me',
      'check',
      'publish',
      '',
      '..',
      '%2F',
      '%E0',
    ),
    idSegment(w.ids.item),
  );
  const path = fc.array(segment, { minLength: 1, maxLength: 5 }).map((s) => `/${s.join('/')}`);
  return fc.tuple(path, fc.constantFrom<string>(...FETCH_METHODS), headers(w, false)).map(([url, method, h]) => ({ method, url, headers: h }));
}

export function fuzzRequest(w: World): fc.Arbitrary<FuzzRequest> {
  return fc.oneof({ arbitrary: routeRequest(w), weight: 8 }, { arbitrary: graphqlRequest(w), weight: 3 }, { arbitrary: strayRequest(w), weight: 1 });
}
