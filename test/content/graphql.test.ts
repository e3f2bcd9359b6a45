import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lexicographicSortSchema, printSchema } from 'graphql';
import { DIALECTS } from '../support/databases.ts';
import { startHarness, type Harness } from '../support/harness.ts';
import { buildContentSchema } from '../../src/graphql/schema.ts';
import { DeliverySchemas } from '../../src/graphql/cache.ts';
import { createItem, createItemType, createToken, problem } from './fixtures.ts';
import { fieldDef, memoryModel } from '../support/models.ts';

const gql = (h: Harness, token: string | undefined, query: string, options: { drafts?: boolean; variables?: unknown; headers?: Record<string, string> } = {}) =>
  h.request('POST', '/graphql', {
    ...(token !== undefined ? { token } : {}),
    body: { query, ...(options.variables ? { variables: options.variables } : {}) },
    headers: { ...(options.drafts ? { 'x-include-drafts': 'true' } : {}), ...options.headers },
  });

describe('the generated schema', () => {
  it('prints the expected SDL for a tree model and a plain model', () => {
    const now = '2026-01-01T00:00:00.000Z';
    const schema = buildContentSchema([
      memoryModel({
        id: '1',
        name: 'Page',
        apiKey: 'page',
        tree: true,
        createdAt: now,
        updatedAt: now,
        fields: [fieldDef('title', 'string', { label: 'Title', required: true })],
      }),
      memoryModel({
        id: '2',
        name: 'Blog post',
        apiKey: 'blog_post',
        tree: false,
        createdAt: now,
        updatedAt: now,
        fields: [
          fieldDef('headline', 'string', { label: 'Headline', required: true }),
          fieldDef('word_count', 'integer', { label: 'Words' }),
          fieldDef('score', 'float', { label: 'Score' }),
          fieldDef('featured', 'boolean', { label: 'Featured' }),
          fieldDef('day', 'date', { label: 'Day' }),
          fieldDef('at', 'date_time', { label: 'At' }),
          fieldDef('meta_data', 'json', { label: 'Meta' }),
          fieldDef('author_page', 'link', { label: 'Author' }),
          fieldDef('body', 'text', { label: 'Body' }),
          fieldDef('pages', 'links', { label: 'Pages' }),
          fieldDef('slug', 'slug', { label: 'Slug' }),
          fieldDef('accent', 'color', { label: 'Accent' }),
          fieldDef('place', 'lat_lon', { label: 'Place' }),
          fieldDef('seo', 'seo', { label: 'SEO' }),
        ],
      }),
    ]);
    expect(printSchema(lexicographicSortSchema(schema))).toMatchSnapshot();
  });

  it('caches a validated document per schema version and query text', async () => {
    const types = [{ id: '1', name: 'Page', apiKey: 'page', tree: false, createdAt: '', updatedAt: '', fields: [] }];
    const schemas = new DeliverySchemas({ listItemTypes: async () => types } as never, { now: () => 0 }, { recheckMs: 1000, maxDocuments: 10, maxDepth: 5 });
    const built = await schemas.current();
    const first = schemas.compile(built, '{ allPages { id } }');
    expect('document' in first).toBe(true);
    expect(schemas.compile(built, '{ allPages { id } }')).toBe(first);
    expect('errors' in schemas.compile(built, '{ nope }')).toBe(true);
    expect('errors' in schemas.compile(built, '{ allPages {')).toBe(true);
    schemas.invalidate();
    const rebuilt = await schemas.current();
    expect(rebuilt.version).toBeGreaterThan(built.version);
    expect(schemas.compile(rebuilt, '{ allPages { id } }')).not.toBe(first);
  });

  it('keeps the schema while the store hands out the same models, and rebuilds only when they differ', async () => {
    const page = { id: '1', name: 'Page', apiKey: 'page', tree: false, createdAt: '', updatedAt: '', fields: [] };
    let types = [page];
    let now = 0;
    const schemas = new DeliverySchemas({ listItemTypes: async () => types } as never, { now: () => now }, { recheckMs: 1000, maxDocuments: 10, maxDepth: 5 });
    const built = await schemas.current();
    expect(await schemas.current()).toBe(built);
    // Re-read with the same content (a cache TTL ran out): same version, same schema.
    types = [{ ...page }];
    now = 1000;
    const reread = await schemas.current();
    expect(reread.version).toBe(built.version);
    expect(reread.schema).toBe(built.schema);
    // Changed behind the server's back: picked up at the next check, as a new version.
    types = [page, { ...page, id: '2', name: 'Post', apiKey: 'post' }];
    now = 1500;
    expect((await schemas.current()).schema).toBe(built.schema);
    now = 2000;
    const changed = await schemas.current();
    expect(changed.version).toBeGreaterThan(built.version);
    expect(changed.schema.getQueryType()?.getFields().allPosts).toBeDefined();
  });
});

for (const dialect of DIALECTS) {
  describe(`${dialect}: the GraphQL Content Delivery API`, () => {
    let h: Harness;
    let preview: string;
    let website: string;
    let article: string;
    let site: string;
    let posts: string[];
    beforeAll(async () => {
      h = await startHarness({ dialect });
      website = await createItemType(h, 'website', [{ api_key: 'name', field_type: 'string', required: true }], { tree: true });
      article = await createItemType(h, 'article', [
        { api_key: 'title', field_type: 'string', required: true },
        { api_key: 'views', field_type: 'integer' },
        { api_key: 'related', field_type: 'link' },
      ]);
      site = await createItem(h, website, { name: 'Acme' }, { publish: true });
      posts = [];
      for (const [title, views] of [
        ['Alpha', 5],
        ['Bravo', 1],
        ['Charlie', 9],
      ] as const) {
        posts.push(await createItem(h, article, { title, views }, { parentId: site, publish: true }));
      }
      posts.push(await createItem(h, article, { title: 'Draft', views: 3, related: posts[0] }, { parentId: site }));
      preview = (await createToken(h, { cda: true, preview: true })).secret;
    });
    afterAll(() => h.close());

    it('serves published records with the read-only token, leaving drafts out', async () => {
      const res = await gql(h, h.readonlySecret, '{ allArticles(orderBy: [title_ASC]) { id title _status _modelApiKey } _allArticlesMeta { count } }');
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(res.headers['x-ratelimit-limit']).toBeDefined();
      expect(res.json()).toEqual({
        data: {
          allArticles: [
            { id: posts[0], title: 'Alpha', _status: 'published', _modelApiKey: 'article' },
            { id: posts[1], title: 'Bravo', _status: 'published', _modelApiKey: 'article' },
            { id: posts[2], title: 'Charlie', _status: 'published', _modelApiKey: 'article' },
          ],
          _allArticlesMeta: { count: 3 },
        },
      });
    });

    it('serves current versions with X-Include-Drafts to a preview token', async () => {
      await h.request('PUT', `/items/${posts[1]}`, { token: h.adminSecret, body: { data: { type: 'item', attributes: { title: 'Bravo 2' } } } });
      const q = `{ article(id: "${posts[1]}") { title _status } draft: article(id: "${posts[3]}") { title related { id ... on ArticleRecord { title } } } }`;
      const published = await gql(h, preview, q);
      expect(published.json().data).toEqual({ article: { title: 'Bravo', _status: 'updated' }, draft: null });
      const drafts = await gql(h, preview, q, { drafts: true });
      expect(drafts.json().data).toEqual({
        article: { title: 'Bravo 2', _status: 'updated' },
        draft: { title: 'Draft', related: { id: posts[0], title: 'Alpha' } },
      });
    });

    it('refuses drafts to a token without the preview flag, and a header other than true', async () => {
      const denied = await gql(h, h.readonlySecret, '{ allArticles { id } }', { drafts: true });
      expect(denied.statusCode).toBe(401);
      expect(problem(denied)).toMatchObject({ code: 'INVALID_AUTHORIZATION_HEADER', details: { layer: 'surface', reason: 'can_access_cda_preview' } });
      const bad = await gql(h, preview, '{ allArticles { id } }', { headers: { 'x-include-drafts': 'false' } });
      expect(bad.statusCode).toBe(400);
      expect(problem(bad).code).toBe('INVALID_X_INCLUDE_DRAFTS_HEADER');
    });

    it('filters, orders and paginates, counting after the filter', async () => {
      const res = await gql(
        h,
        h.readonlySecret,
        `query($min: IntType) { allArticles(filter: { views: { gte: $min } }, orderBy: [views_DESC], first: 1, skip: 1) { title }
          _allArticlesMeta(filter: { views: { gte: $min } }) { count }
          byName: allArticles(filter: { OR: [{ title: { eq: "Alpha" } }, { title: { matches: { pattern: "CHAR" } } }] }) { title } }`,
        { variables: { min: 2 } },
      );
      expect(res.json()).toEqual({
        data: { allArticles: [{ title: 'Alpha' }], _allArticlesMeta: { count: 2 }, byName: [{ title: 'Alpha' }, { title: 'Charlie' }] },
      });
    });

    it('walks the tree through parent and children', async () => {
      const res = await gql(
        h,
        h.readonlySecret,
        `{ website(id: "${site}") { name children { id } _children { id ... on ArticleRecord { title parent { id } } } } }`,
      );
      const data = res.json().data.website;
      expect(data.name).toBe('Acme');
      // `children` of a tree model are its own records (there are none under the site), `_children` any.
      expect(data.children).toEqual([]);
      expect(data._children.map((c: { id: string }) => c.id)).toEqual(posts.slice(0, 3));
      expect(data._children[0].parent.id).toBe(site);
    });

    it('answers query errors with 200 and errors[], and has no mutations', async () => {
      for (const query of ['{ nope }', 'mutation { createArticle { id } }', '{ allArticles(first: 501) { id } }', '{ allArticles {']) {
        const res = await gql(h, h.readonlySecret, query);
        expect(res.statusCode, query).toBe(200);
        expect(res.json().errors.length, query).toBeGreaterThan(0);
      }
      const tooMany = await gql(h, h.readonlySecret, '{ allArticles(first: 501) { id } }');
      expect(tooMany.json().errors[0].extensions.code).toBe('INVALID_PARAMS');
    });

    it('pages like DatoCMS: 20 records without first, at most 500, skip at most 100,000', async () => {
      const note = await createItemType(h, 'note', [{ api_key: 'n', field_type: 'integer' }]);
      const ids: string[] = [];
      for (let n = 0; n < 23; n++) ids.push(await createItem(h, note, { n }, { publish: true }));
      const page = await gql(h, h.readonlySecret, '{ allNotes { id } last: allNotes(skip: 20, first: 500) { n } _allNotesMeta { count } }');
      expect(page.json()).toEqual({
        data: { allNotes: ids.slice(0, 20).map((id) => ({ id })), last: [{ n: 20 }, { n: 21 }, { n: 22 }], _allNotesMeta: { count: 23 } },
      });
      for (const [args, parameter] of [
        ['first: 501', 'first'],
        ['first: -1', 'first'],
        ['skip: 100001', 'skip'],
        ['skip: -1', 'skip'],
      ] as const) {
        const res = await gql(h, h.readonlySecret, `{ allNotes(${args}) { id } }`);
        expect(res.statusCode, args).toBe(200);
        expect(res.json().data, args).toBeNull();
        expect(res.json().errors[0].extensions, args).toMatchObject({ code: 'INVALID_PARAMS', details: { parameter } });
        expect(res.json().errors[0].message, args).toMatch(parameter === 'first' ? /between 0 and 500/ : /between 0 and 100000/);
      }
      const deepest = await gql(h, h.readonlySecret, '{ allNotes(skip: 100000) { id } }');
      expect(deepest.json()).toEqual({ data: { allNotes: [] } });
    });

    it('refuses a request without a query with a clear 4xx', async () => {
      const res = await h.request('POST', '/graphql', { token: h.readonlySecret, body: { variables: {} } });
      expect(res.statusCode).toBe(422);
      const broken = await h.request('POST', '/graphql', { token: h.readonlySecret, body: '{"query": ', headers: { 'content-type': 'text/plain' } });
      expect(broken.statusCode).toBe(400);
      expect(problem(broken).code).toBe('INVALID_JSON_BODY');
    });

    it('accepts a body without a Content-Type, like the official cda-client, and GET with a query string', async () => {
      const res = await h.app.inject({
        method: 'POST',
        url: '/graphql',
        headers: { authorization: `Bearer ${h.readonlySecret}`, accept: 'application/json' },
        payload: JSON.stringify({ query: '{ _allArticlesMeta { count } }' }),
      });
      expect(res.json()).toEqual({ data: { _allArticlesMeta: { count: 3 } } });
      const get = await h.request(
        'GET',
        `/graphql?query=${encodeURIComponent('query($id: ItemId) { article(id: $id) { title } }')}&variables=${encodeURIComponent(JSON.stringify({ id: posts[0] }))}`,
        {
          token: h.readonlySecret,
        },
      );
      expect(get.json()).toEqual({ data: { article: { title: 'Alpha' } } });
    });

    it('follows item-type changes without a restart', async () => {
      const before = await gql(h, h.readonlySecret, '{ allEvents { id } }');
      expect(before.json().errors[0].message).toMatch(/allEvents/);
      const event = await createItemType(h, 'event', [{ api_key: 'name', field_type: 'string' }]);
      await createItem(h, event, { name: 'Launch' }, { publish: true });
      const after = await gql(h, h.readonlySecret, '{ allEvents { name } }');
      expect(after.json()).toEqual({ data: { allEvents: [{ name: 'Launch' }] } });
      const added = await h.request('POST', `/item-types/${event}/fields`, {
        token: h.adminSecret,
        body: { data: { type: 'field', attributes: { api_key: 'venue', label: 'Venue', field_type: 'string' } } },
      });
      expect(added.statusCode).toBe(201);
      expect((await gql(h, h.readonlySecret, '{ allEvents { name venue } }')).json()).toEqual({ data: { allEvents: [{ name: 'Launch', venue: null }] } });
      // A renamed field takes its values along; a removed one leaves the schema.
      const renamed = await h.request('PUT', '/fields/event::name', {
        token: h.adminSecret,
        body: { data: { type: 'field', attributes: { api_key: 'title' } } },
      });
      expect(renamed.statusCode).toBe(200);
      expect((await gql(h, h.readonlySecret, '{ allEvents { title } }')).json()).toEqual({ data: { allEvents: [{ title: 'Launch' }] } });
      expect((await h.request('DELETE', `/fields/${added.json().data.id}`, { token: h.adminSecret })).statusCode).toBe(200);
      expect((await gql(h, h.readonlySecret, '{ allEvents { venue } }')).json().errors[0].message).toMatch(/venue/);
    });
  });
}
