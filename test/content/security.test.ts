import { afterAll } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import { DIALECTS } from '../support/databases.ts';
import { startHarness, type Harness } from '../support/harness.ts';
import { scopeSuite, securitySuite, type Auth, type SecurityCase, type World } from '../support/security-suite.ts';

function send(w: World, method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, auth: Auth, body?: unknown): Promise<LightMyRequestResponse> {
  w.h.clock.advance(60);
  return w.h.app.inject({
    method,
    url,
    headers: {
      ...(auth.authorization ? { authorization: auth.authorization } : {}),
      ...(auth.drafts ? { 'x-include-drafts': 'true' } : {}),
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    ...(body !== undefined ? { payload: JSON.stringify(body) } : {}),
  });
}

const graphql = (w: World, auth: Auth, query: string) => send(w, 'POST', '/graphql', auth, { query });
const noteBody = (w: World) => ({
  data: { type: 'item', attributes: { title: 'new', parent_id: w.home }, relationships: { item_type: { data: { type: 'item_type', id: w.noteType } } } },
});
const newType = () => ({ data: { type: 'item_type', attributes: { name: 'X', api_key: `x${Math.random().toString(36).slice(2, 8).replace(/\d/g, 'a')}` } } });

const newField = () => ({ data: { type: 'field', attributes: { api_key: 'subtitle', label: 'Subtitle', field_type: 'string' } } });

const cmaItem = (
  name: string,
  method: 'GET' | 'PUT' | 'DELETE',
  suffix: string,
  permission: SecurityCase['permission'],
  content: SecurityCase['content'],
  body?: (w: World) => unknown,
): SecurityCase => ({
  name,
  surface: 'cma',
  permission,
  content,
  shape: 'single',
  send: (w, auth, target) => send(w, method, `/items/${target}${suffix}`, auth, body?.(w)),
});

const bulkCase = (action: 'publish' | 'unpublish' | 'destroy', permission: SecurityCase['permission'], content: SecurityCase['content']): SecurityCase => ({
  name: `POST /items/bulk/${action}`,
  surface: 'cma',
  permission,
  content,
  shape: 'single',
  send: (w, auth, target) =>
    send(w, 'POST', `/items/bulk/${action}`, auth, {
      data: { type: `item_bulk_${action}_operation`, relationships: { items: { data: [{ type: 'item', id: target }] } } },
    }),
});

const CASES: SecurityCase[] = [
  cmaItem('GET /items/:id', 'GET', '', 'content:read', 'read'),
  cmaItem('PUT /items/:id', 'PUT', '', 'content:update', 'update', () => ({ data: { type: 'item', attributes: { title: 'changed' } } })),
  cmaItem('DELETE /items/:id', 'DELETE', '', 'content:delete', 'delete'),
  cmaItem('PUT /items/:id/publish', 'PUT', '/publish', 'content:publish', 'publish'),
  cmaItem('PUT /items/:id/unpublish', 'PUT', '/unpublish', 'content:publish', 'publish'),
  cmaItem('GET /items/:id/references', 'GET', '/references', 'content:read', 'read'),
  bulkCase('publish', 'content:publish', 'publish'),
  bulkCase('unpublish', 'content:publish', 'publish'),
  bulkCase('destroy', 'content:delete', 'delete'),
  {
    name: 'POST /items',
    surface: 'cma',
    permission: 'content:create',
    content: 'create',
    shape: 'single',
    createsRecord: true,
    send: (w, auth) => send(w, 'POST', '/items', auth, noteBody(w)),
  },
  {
    name: 'GET /items',
    surface: 'cma',
    permission: 'content:read',
    content: 'read',
    shape: 'list',
    send: (w, auth) => send(w, 'GET', '/items?filter[type]=note&page[limit]=500', auth),
    observe: (res) => ({ ids: res.json().data.map((d: { id: string }) => d.id), count: res.json().meta.total_count }),
  },
  { name: 'GET /item-types', surface: 'cma', permission: 'schema:read', shape: 'none', send: (w, auth) => send(w, 'GET', '/item-types', auth) },
  {
    name: 'GET /item-types/:id',
    surface: 'cma',
    permission: 'schema:read',
    shape: 'none',
    send: (w, auth) => send(w, 'GET', `/item-types/${w.noteType}`, auth),
  },
  {
    name: 'POST /item-types',
    surface: 'cma',
    permission: 'schema:write',
    roleFlag: 'can_edit_schema',
    shape: 'none',
    send: (w, auth) => send(w, 'POST', '/item-types', auth, newType()),
  },
  {
    name: 'PUT /item-types/:id',
    surface: 'cma',
    permission: 'schema:write',
    roleFlag: 'can_edit_schema',
    shape: 'none',
    send: (w, auth) => send(w, 'PUT', `/item-types/${w.noteType}`, auth, { data: { type: 'item_type', attributes: { name: 'Note' } } }),
  },
  {
    name: 'DELETE /item-types/:id',
    surface: 'cma',
    permission: 'schema:write',
    roleFlag: 'can_edit_schema',
    shape: 'none',
    send: async (w, auth) => {
      const created = await send(w, 'POST', '/item-types', { authorization: `Bearer ${w.h.adminSecret}` }, newType());
      return send(w, 'DELETE', `/item-types/${created.json().data.id}`, auth);
    },
  },
  {
    name: 'POST /item-types/:id/duplicate',
    surface: 'cma',
    permission: 'schema:write',
    roleFlag: 'can_edit_schema',
    shape: 'none',
    send: async (w, auth) => {
      const created = await send(w, 'POST', '/item-types', { authorization: `Bearer ${w.h.adminSecret}` }, newType());
      return send(w, 'POST', `/item-types/${created.json().data.id}/duplicate`, auth);
    },
  },
  {
    name: 'GET /item-types/:id/fields',
    surface: 'cma',
    permission: 'schema:read',
    shape: 'none',
    send: (w, auth) => send(w, 'GET', `/item-types/${w.noteType}/fields`, auth),
  },
  { name: 'GET /fields/:id', surface: 'cma', permission: 'schema:read', shape: 'none', send: (w, auth) => send(w, 'GET', '/fields/note::title', auth) },
  {
    name: 'POST /item-types/:id/fields',
    surface: 'cma',
    permission: 'schema:write',
    roleFlag: 'can_edit_schema',
    shape: 'none',
    send: async (w, auth) => {
      const created = await send(w, 'POST', '/item-types', { authorization: `Bearer ${w.h.adminSecret}` }, newType());
      return send(w, 'POST', `/item-types/${created.json().data.id}/fields`, auth, newField());
    },
  },
  {
    name: 'PUT /fields/:id',
    surface: 'cma',
    permission: 'schema:write',
    roleFlag: 'can_edit_schema',
    shape: 'none',
    send: (w, auth) => send(w, 'PUT', '/fields/note::title', auth, { data: { type: 'field', attributes: { label: 'Title' } } }),
  },
  {
    name: 'DELETE /fields/:id',
    surface: 'cma',
    permission: 'schema:write',
    roleFlag: 'can_edit_schema',
    shape: 'none',
    send: async (w, auth) => {
      const admin = { authorization: `Bearer ${w.h.adminSecret}` };
      const created = await send(w, 'POST', '/item-types', admin, newType());
      const field = await send(w, 'POST', `/item-types/${created.json().data.id}/fields`, admin, newField());
      return send(w, 'DELETE', `/fields/${field.json().data.id}`, auth);
    },
  },
  {
    name: 'GraphQL note(id)',
    surface: 'cda',
    permission: 'content:read',
    content: 'read',
    shape: 'single',
    graphql: true,
    send: (w, auth, target) => graphql(w, auth, `{ note(id: "${target}") { id title } }`),
  },
  {
    name: 'GraphQL allNotes + _allNotesMeta',
    surface: 'cda',
    permission: 'content:read',
    content: 'read',
    shape: 'list',
    send: (w, auth) => graphql(w, auth, '{ allNotes(first: 500) { id } _allNotesMeta { count } }'),
    observe: (res) => ({ ids: res.json().data.allNotes.map((d: { id: string }) => d.id), count: res.json().data._allNotesMeta.count }),
  },
  {
    name: 'GraphQL page.children',
    surface: 'cda',
    permission: 'content:read',
    content: 'read',
    shape: 'list',
    send: (w, auth) => graphql(w, auth, `{ allPages { id _children { id } } }`),
    observe: (res) => ({
      ids: res.json().data.allPages.flatMap((p: { _children: { id: string }[] }) => p._children.map((c) => c.id)),
      count: null,
    }),
  },
];

for (const dialect of DIALECTS) {
  let h: Harness | null = null;
  securitySuite(
    `${dialect}: every content route and GraphQL field refuses what the decision refuses`,
    async () => (h = await startHarness({ dialect })),
    CASES,
  );
  let scoped: Harness | null = null;
  scopeSuite(`${dialect}: a root-node-scoped token stays inside its subtrees`, async () => (scoped = await startHarness({ dialect })));
  afterAll(async () => {
    await h?.close();
    await scoped?.close();
  });
}
