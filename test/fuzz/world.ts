/**
 * The project the fuzz suite attacks: every kind of resource exists, so that generated ids hit
 * real rows as well as missing ones, and the GraphQL schema has models of every field type.
 */
import type { Harness } from '../support/harness.ts';
import { adminRoleId, createItem, createItemType, createRole, createToken, createUser } from '../content/fixtures.ts';

export interface World {
  readonly adminSecret: string;
  readonly readonlySecret: string;
  /** Existing ids per resource, for paths and relationships. */
  readonly ids: Readonly<Record<'token' | 'role' | 'user' | 'itemType' | 'field' | 'item' | 'environment', readonly string[]>>;
  /** What the full-access token must keep being able to do for the run to stay meaningful. */
  readonly adminTokenId: string;
  readonly adminRoleId: string;
  readonly articleTypeId: string;
}

export async function buildWorld(h: Harness): Promise<World> {
  const pageType = await createItemType(h, 'page', [{ api_key: 'title', field_type: 'string', required: true }], { tree: true });
  const articleType = await createItemType(h, 'article', [
    { api_key: 'title', field_type: 'string' },
    { api_key: 'body', field_type: 'text' },
    { api_key: 'data', field_type: 'json' },
    { api_key: 'score', field_type: 'float' },
    { api_key: 'day', field_type: 'date' },
    { api_key: 'author', field_type: 'link' },
  ]);
  const site = await createItem(h, pageType, { title: 'Site' }, { publish: true });
  const section = await createItem(h, pageType, { title: 'Section' }, { parentId: site, publish: true });
  const article = await createItem(h, articleType, { title: 'Hello', data: { a: [1, 2] }, score: 1.5 }, { parentId: section, publish: true });
  const draft = await createItem(h, articleType, { title: 'Draft' }, { parentId: section });
  const role = await createRole(h, { can_edit_schema: true, positive_item_type_permissions: [{ item_type: null, action: 'read', on_creator: 'anyone' }] });
  const admin = await adminRoleId(h);
  const user = await createUser(h, role);
  const scoped = await createToken(h, { cma: true, cda: true, rootNodes: [section] });
  const based = await createToken(h, { user, cda: true });
  const tokens = (
    (await h.request('GET', '/access_tokens', { token: h.adminSecret })).json() as { data: { id: string; attributes: { hardcoded_type: string | null } }[] }
  ).data;
  const adminToken = tokens.find((t) => t.attributes.hardcoded_type === 'admin');
  if (!adminToken) throw new Error('no full-access token');
  const fields = ((await h.request('GET', `/item-types/${articleType}/fields`, { token: h.adminSecret })).json() as { data: { id: string }[] }).data.map(
    (f) => f.id,
  );
  return {
    adminSecret: h.adminSecret,
    readonlySecret: h.readonlySecret,
    ids: {
      token: tokens.map((t) => t.id).concat(scoped.id, based.id),
      role: [admin, role],
      user: [user],
      itemType: [pageType, articleType],
      field: [...fields, 'article::title'],
      item: [site, section, article, draft],
      environment: ['main'],
    },
    adminTokenId: adminToken.id,
    adminRoleId: admin,
    articleTypeId: articleType,
  };
}
