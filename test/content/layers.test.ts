import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../support/databases.ts';
import { startHarness, type Harness } from '../support/harness.ts';
import { asAdmin, createItem, createItemType, createRole, createToken, createUser, problem } from './fixtures.ts';

for (const dialect of DIALECTS) {
  describe(`${dialect}: surfaces, user-based tokens and root nodes on content`, () => {
    let h: Harness;
    let pageType: string;
    let articleType: string;
    let website: string;
    let blog: string;
    let about: string;
    let post: string;
    let draft: string;
    let otherSite: string;
    beforeAll(async () => {
      h = await startHarness({ dialect });
      pageType = await createItemType(h, 'page', [{ api_key: 'title', field_type: 'string' }], { tree: true });
      articleType = await createItemType(h, 'article', [{ api_key: 'title', field_type: 'string' }]);
      website = await createItem(h, pageType, { title: 'Acme' }, { publish: true });
      blog = await createItem(h, pageType, { title: 'Blog' }, { parentId: website, publish: true });
      about = await createItem(h, pageType, { title: 'About' }, { parentId: website, publish: true });
      post = await createItem(h, articleType, { title: 'Hello' }, { parentId: blog, publish: true });
      draft = await createItem(h, articleType, { title: 'Soon' }, { parentId: blog });
      otherSite = await createItem(h, pageType, { title: 'Beta' }, { publish: true });
    });
    afterAll(() => h.close());

    const gql = (token: string, query: string, drafts = false) =>
      h.request('POST', '/graphql', { token, body: { query }, headers: drafts ? { 'x-include-drafts': 'true' } : {} });

    describe('surfaces (seeds 000, 001)', () => {
      it('a CDA-only token on a write-capable role reads published content and no CMA call succeeds', async () => {
        const { secret } = await createToken(h, { cda: true });
        const read = await gql(secret, `{ article(id: "${post}") { title } }`);
        expect(read.json()).toEqual({ data: { article: { title: 'Hello' } } });
        const calls: [string, string, unknown?][] = [
          ['GET', '/items'],
          ['GET', `/items/${post}`],
          [
            'POST',
            '/items',
            { data: { type: 'item', attributes: { title: 'x' }, relationships: { item_type: { data: { type: 'item_type', id: articleType } } } } },
          ],
          ['PUT', `/items/${post}`, { data: { type: 'item', attributes: { title: 'x' } } }],
          ['PUT', `/items/${post}/publish`],
          ['PUT', `/items/${post}/unpublish`],
          ['DELETE', `/items/${post}`],
          ['GET', '/item-types'],
          ['POST', '/item-types', { data: { type: 'item_type', attributes: { name: 'x', api_key: 'x' } } }],
          ['DELETE', `/item-types/${articleType}`],
          ['GET', '/access_tokens'],
          ['GET', '/roles'],
          ['GET', '/users/me'],
          ['GET', '/site'],
        ];
        for (const [method, url, body] of calls) {
          const res = await h.request(method as 'GET', url, { token: secret, ...(body ? { body } : {}) });
          expect(res.statusCode, `${method} ${url}`).toBe(401);
          expect(problem(res).details, `${method} ${url}`).toMatchObject({ layer: 'surface', reason: 'can_access_cma' });
        }
        const still = await asAdmin(h, 'GET', `/items/${post}`);
        expect(still.json().data.attributes.title).toBe('Hello');
      });

      it('the preview flag alone gates drafts', async () => {
        const previewOnly = (await createToken(h, { preview: true })).secret;
        const cdaOnly = (await createToken(h, { cda: true })).secret;
        const q = `{ article(id: "${draft}") { title } }`;
        expect((await gql(previewOnly, q, true)).json()).toEqual({ data: { article: { title: 'Soon' } } });
        expect((await gql(previewOnly, q)).json()).toEqual({ data: { article: null } });
        expect((await gql(cdaOnly, q, true)).statusCode).toBe(401);
      });
    });

    describe('tokens based on a user (seed 004)', () => {
      it('follow the user and the user’s role on the next request, and stop with an inactive user', async () => {
        const reader = await createRole(h, { positive_item_type_permissions: [{ item_type: null, action: 'read' }] });
        const nothing = await createRole(h, {});
        const user = await createUser(h, reader);
        const { secret } = await createToken(h, { cma: true, cda: true, user });
        const find = () => h.request('GET', `/items/${post}`, { token: secret });
        expect((await find()).statusCode).toBe(200);

        await asAdmin(h, 'PUT', `/users/${user}`, { data: { type: 'user', relationships: { role: { data: { type: 'role', id: nothing } } } } });
        expect(problem(await find()).details).toMatchObject({ layer: 'role', reason: 'missing_content_permission' });
        expect((await gql(secret, '{ _allArticlesMeta { count } }')).json().data._allArticlesMeta.count).toBe(0);

        await asAdmin(h, 'PUT', `/roles/${nothing}`, {
          data: { type: 'role', attributes: { positive_item_type_permissions: [{ item_type: articleType, action: 'read' }] } },
        });
        expect((await find()).statusCode).toBe(200);

        await asAdmin(h, 'PUT', `/users/${user}`, { data: { type: 'user', attributes: { is_active: false } } });
        const inactive = await find();
        expect(inactive.statusCode).toBe(401);
        expect(problem(inactive).details).toMatchObject({ layer: 'state', reason: 'no_user' });
        expect((await gql(secret, '{ _allArticlesMeta { count } }')).statusCode).toBe(401);
      });
    });

    describe('root nodes (seeds 003, 004)', () => {
      let blogToken: string;
      beforeAll(async () => {
        blogToken = (await createToken(h, { cma: true, cda: true, preview: true, rootNodes: [blog] })).secret;
      });

      it('sees the root and its descendants only, on the CMA', async () => {
        const list = await h.request('GET', '/items?page[limit]=500', { token: blogToken });
        expect(
          list
            .json()
            .data.map((d: { id: string }) => d.id)
            .sort(),
        ).toEqual([blog, post, draft].sort());
        expect(list.json().meta.total_count).toBe(3);
        const siblings = await h.request('GET', `/items?filter[parent]=${website}`, { token: blogToken });
        expect(siblings.json()).toMatchObject({ data: [{ id: blog }], meta: { total_count: 1 } });
        for (const outside of [website, about, otherSite]) {
          const res = await h.request('GET', `/items/${outside}`, { token: blogToken });
          expect(res.statusCode).toBe(403);
          expect(problem(res)).toMatchObject({ code: 'INSUFFICIENT_PERMISSIONS', details: { layer: 'scope', reason: 'outside_root_nodes' } });
        }
      });

      it('cannot create, move or publish outside its subtree', async () => {
        const create = await h.request('POST', '/items', {
          token: blogToken,
          body: {
            data: {
              type: 'item',
              attributes: { title: 'x', parent_id: about },
              relationships: { item_type: { data: { type: 'item_type', id: articleType } } },
            },
          },
        });
        expect(problem(create).details).toMatchObject({ layer: 'scope' });
        const move = await h.request('PUT', `/items/${post}`, { token: blogToken, body: { data: { type: 'item', attributes: { parent_id: about } } } });
        expect(problem(move).details).toMatchObject({ layer: 'scope' });
        expect(problem(await h.request('PUT', `/items/${about}/publish`, { token: blogToken })).details).toMatchObject({ layer: 'scope' });
        const inside = await h.request('POST', '/items', {
          token: blogToken,
          body: {
            data: {
              type: 'item',
              attributes: { title: 'mine', parent_id: blog },
              relationships: { item_type: { data: { type: 'item_type', id: articleType } } },
            },
          },
        });
        expect(inside.statusCode).toBe(201);
        await asAdmin(h, 'DELETE', `/items/${inside.json().data.id}`);
      });

      it('leaves outside records out of GraphQL lists, counts and children, and errors on a single one', async () => {
        const res = await gql(
          blogToken,
          `{ allPages { id } _allPagesMeta { count } blog: page(id: "${blog}") { _children { id } parent { id } }
             site: page(id: "${website}") { id } }`,
          true,
        );
        const body = res.json();
        expect(res.statusCode).toBe(200);
        expect(body.data.allPages).toEqual([{ id: blog }]);
        expect(body.data._allPagesMeta).toEqual({ count: 1 });
        expect(body.data.blog).toEqual({ _children: [{ id: post }, { id: draft }], parent: null });
        expect(body.data.site).toBeNull();
        expect(body.errors).toHaveLength(1);
        expect(body.errors[0]).toMatchObject({ path: ['site'], extensions: { code: 'INSUFFICIENT_PERMISSIONS', details: { layer: 'scope' } } });
      });

      it('must name existing items, and a restricted creator can only hand out its own subtrees', async () => {
        const missing = await asAdmin(h, 'POST', '/access_tokens', {
          data: {
            type: 'access_token',
            attributes: { name: 'x', can_access_cma: false, can_access_cda: true, can_access_cda_preview: false },
            relationships: {
              role: { data: { type: 'role', id: (await asAdmin(h, 'GET', '/roles')).json().data[0].id } },
              root_nodes: { data: [{ type: 'item', id: '999999' }] },
            },
          },
        });
        expect(problem(missing)).toMatchObject({ code: 'INVALID_RELATIONSHIP', details: { field: 'root_nodes' } });

        const mint = (roots: string[]) =>
          h.request('POST', '/access_tokens', {
            token: blogToken,
            body: {
              data: {
                type: 'access_token',
                attributes: { name: 'child', can_access_cma: false, can_access_cda: true, can_access_cda_preview: false },
                relationships: { role: { data: { type: 'role', id: '1' } }, root_nodes: { data: roots.map((id) => ({ type: 'item', id })) } },
              },
            },
          });
        expect((await mint([post])).statusCode).toBe(201);
        expect((await mint([blog])).statusCode).toBe(201);
        for (const roots of [[website], [about], []]) {
          const res = await mint(roots);
          expect(res.statusCode, JSON.stringify(roots)).toBe(403);
          expect(problem(res).details.excess).toContain('root_nodes');
        }
      });
    });

    it('moves a deleted token’s records to the destination user', async () => {
      const role = await createRole(h, { positive_item_type_permissions: [{ item_type: null, action: 'all' }] });
      const user = await createUser(h, role);
      const author = await createToken(h, { cma: true });
      const mine = await createItem(h, articleType, { title: 'by token' }, { parentId: blog, token: author.secret });
      const res = await asAdmin(h, 'DELETE', `/access_tokens/${author.id}?destination_user_type=user&destination_user_id=${user}`);
      expect(res.statusCode).toBe(200);
      const item = await asAdmin(h, 'GET', `/items/${mine}`);
      expect(item.json().data.relationships.creator.data).toEqual({ type: 'user', id: user });
      const bad = await createToken(h, { cma: true });
      const refused = await asAdmin(h, 'DELETE', `/access_tokens/${bad.id}?destination_user_type=user&destination_user_id=999999`);
      expect(problem(refused).code).toBe('INVALID_DESTINATION_USER');
      expect((await asAdmin(h, 'GET', `/access_tokens/${bad.id}`)).statusCode).toBe(200);
    });
  });
}
