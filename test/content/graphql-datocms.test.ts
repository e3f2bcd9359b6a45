/**
 * The delivery schema speaks DatoCMS: queries as DatoCMS's documentation and public projects
 * write them (`ItemId`/`IntType` variables, `[XModelOrderBy]`, DatoCMS's filter operators, typed
 * tree traversal, structured field types, system fields, `_site`, `locale`) run unchanged, on
 * both databases.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { printSchema, printType } from 'graphql';
import { DIALECTS } from '../support/databases.ts';
import { startHarness, type Harness } from '../support/harness.ts';
import { buildContentSchema } from '../../src/graphql/schema.ts';
import { linkTargets } from '../../src/graphql/links.ts';
import type { FieldDefinition, ItemType } from '../../src/core/content/model.ts';
import { asAdmin, createItem, createItemType } from './fixtures.ts';
import { fieldDef, memoryModel } from '../support/models.ts';

const gql = (h: Harness, query: string, variables?: Record<string, unknown>) =>
  h.request('POST', '/graphql', { token: h.readonlySecret, body: { query, ...(variables ? { variables } : {}) } });

const NOW = '2026-01-01T00:00:00.000Z';
const model = (id: string, apiKey: string, fields: FieldDefinition[], tree = false): ItemType => memoryModel({ id, name: apiKey, apiKey, tree, fields }, NOW);
const field = (api_key: string, field_type: FieldDefinition['field_type'], validators?: FieldDefinition['validators']): FieldDefinition => ({
  ...fieldDef(api_key, field_type),
  ...(validators ? { validators } : {}),
});

describe('link fields typed by their validators', () => {
  it('reads the item_item_type / items_item_type validator, any model without one', () => {
    expect(linkTargets(field('a', 'link', { item_item_type: { item_types: ['2', '2'] } }))).toEqual(['2']);
    expect(linkTargets(field('a', 'links', { items_item_type: { item_types: ['2', '3'] } }))).toEqual(['2', '3']);
    expect(linkTargets(field('a', 'links', { item_item_type: { item_types: ['2'] } }))).toBeNull();
    expect(linkTargets(field('a', 'link'))).toBeNull();
    expect(linkTargets(field('a', 'link', { item_item_type: { item_types: [] } }))).toBeNull();
    expect(linkTargets(field('a', 'string', { item_item_type: { item_types: ['2'] } }))).toBeNull();
  });

  it('types a link to one model with its record type, to several with a union, to any with RecordInterface', () => {
    const schema = buildContentSchema([
      model('1', 'article', [
        field('author', 'link', { item_item_type: { item_types: ['2'] } }),
        field('related', 'links', { items_item_type: { item_types: ['1', '2'] } }),
        field('anything', 'links'),
        field('gone', 'link', { item_item_type: { item_types: ['99'] } }),
      ]),
      model('2', 'person', [field('name', 'string')]),
    ]);
    const article = printType(schema.getType('ArticleRecord')!);
    expect(article).toContain('author: PersonRecord');
    expect(article).toContain('related: [ArticleModelRelatedField!]!');
    expect(article).toContain('anything: [RecordInterface!]!');
    expect(article).toContain('gone: RecordInterface');
    expect(printType(schema.getType('ArticleModelRelatedField')!)).toBe('union ArticleModelRelatedField = ArticleRecord | PersonRecord');
  });

  it('declares DatoCMS scalars and argument types', () => {
    const sdl = printSchema(buildContentSchema([model('1', 'article', [field('title', 'string')])]));
    for (const scalar of ['ItemId', 'IntType', 'FloatType', 'BooleanType', 'DateTime', 'Date', 'JsonField', 'CustomData', 'UploadId', 'MetaTagAttributes'])
      expect(sdl).toContain(`scalar ${scalar}`);
    expect(sdl).toContain(
      'allArticles(first: IntType = 20, skip: IntType = 0, filter: ArticleModelFilter, orderBy: [ArticleModelOrderBy], locale: SiteLocale, fallbackLocales: [SiteLocale!]): [ArticleRecord!]!',
    );
    expect(sdl).toContain(
      'article(id: ItemId, filter: ArticleModelFilter, orderBy: [ArticleModelOrderBy], locale: SiteLocale, fallbackLocales: [SiteLocale!]): ArticleRecord',
    );
  });
});

for (const dialect of DIALECTS) {
  describe(`${dialect}: DatoCMS queries against the delivery API`, () => {
    let h: Harness;
    let page: string;
    let article: string;
    let home: string;
    let about: string;
    let team: string;
    const posts: string[] = [];
    beforeAll(async () => {
      h = await startHarness({ dialect });
      page = await createItemType(h, 'page', [{ api_key: 'title', field_type: 'string', required: true }], { tree: true });
      article = await createItemType(h, 'article', [
        { api_key: 'title', field_type: 'string', required: true },
        { api_key: 'summary', field_type: 'text' },
        { api_key: 'featured', field_type: 'boolean' },
        { api_key: 'happened_at', field_type: 'date_time' },
        { api_key: 'tags', field_type: 'links', validators: { items_item_type: { item_types: [page] } } },
        { api_key: 'accent', field_type: 'color' },
        { api_key: 'place', field_type: 'lat_lon' },
        { api_key: 'seo', field_type: 'seo' },
      ]);
      home = await createItem(h, page, { title: 'Home' }, { publish: true });
      about = await createItem(h, page, { title: 'About' }, { parentId: home, publish: true });
      team = await createItem(h, page, { title: 'Team' }, { parentId: about, publish: true });
      posts.push(
        await createItem(
          h,
          article,
          {
            title: 'Paris',
            summary: 'Rain in spring',
            featured: true,
            happened_at: '2026-03-01T10:30:20Z',
            tags: [home, about],
            accent: { red: 255, green: 128, blue: 0, alpha: 255 },
            place: { latitude: 48.8566, longitude: 2.3522 },
            seo: { title: 'Paris in spring', description: 'A walk', image: '42', twitter_card: 'summary_large_image', no_index: true },
          },
          { parentId: about, publish: true },
        ),
      );
      posts.push(
        await createItem(
          h,
          article,
          {
            title: 'Lyon',
            summary: '',
            featured: false,
            happened_at: '2026-03-01T10:31:00Z',
            tags: [about],
            accent: { red: 0, green: 0, blue: 0, alpha: 51 },
            place: { latitude: 45.764, longitude: 4.8357 },
          },
          { parentId: about, publish: true },
        ),
      );
      posts.push(await createItem(h, article, { title: 'Nice' }, { parentId: about, publish: true }));
    });
    afterAll(() => h.close());

    const titles = async (filter: string) => {
      const res = await gql(h, `{ allArticles(filter: ${filter}, orderBy: [title_ASC]) { title } }`);
      const body = res.json();
      expect(body.errors, JSON.stringify(body.errors)).toBeUndefined();
      return body.data.allArticles.map((a: { title: string }) => a.title);
    };

    it('accepts ItemId, IntType and [XModelOrderBy] variables as DatoCMS projects declare them', async () => {
      const res = await gql(
        h,
        `query Articles($id: ItemId, $first: IntType, $skip: IntType, $orderBy: [ArticleModelOrderBy], $f: ArticleModelFilter) {
          one: article(filter: { id: { eq: $id } }) { id title }
          byId: article(id: $id) { title }
          allArticles(first: $first, skip: $skip, orderBy: $orderBy, filter: $f) { title }
          _allArticlesMeta(filter: $f) { count }
        }`,
        {
          id: posts[1],
          first: 2,
          skip: 1,
          orderBy: ['_createdAt_DESC', null],
          f: { OR: [{ title: { eq: 'Paris' } }, null, { title: { eq: 'Nice' } }, { title: { eq: 'Lyon' } }] },
        },
      );
      expect(res.json()).toEqual({
        data: {
          one: { id: posts[1], title: 'Lyon' },
          byId: { title: 'Lyon' },
          allArticles: [{ title: 'Lyon' }, { title: 'Paris' }],
          _allArticlesMeta: { count: 3 },
        },
      });
    });

    it("refuses GraphQL built-in ID and Int variables where DatoCMS types are expected, with graphql-js's message", async () => {
      const res = await gql(h, 'query($id: ID, $n: Int) { article(id: $id) { title } allArticles(first: $n) { title } }', { id: posts[0], n: 1 });
      const messages = res.json().errors.map((e: { message: string }) => e.message);
      expect(messages).toEqual([
        'Variable "$id" of type "ID" used in position expecting type "ItemId".',
        'Variable "$n" of type "Int" used in position expecting type "IntType".',
      ]);
    });

    it("filters with DatoCMS's string and text operators; regexp: true is refused", async () => {
      expect(await titles('{ summary: { isBlank: true } }')).toEqual(['Lyon', 'Nice']);
      expect(await titles('{ summary: { isPresent: true } }')).toEqual(['Paris']);
      expect(await titles('{ title: { isPresent: false } }')).toEqual([]);
      expect(await titles('{ summary: { notMatches: { pattern: "RAIN" } } }')).toEqual(['Lyon', 'Nice']);
      expect(await titles('{ summary: { matches: { pattern: "RAIN", caseSensitive: true } } }')).toEqual([]);
      expect(await titles('{ title: { in: ["Lyon", null], notIn: [null] } }')).toEqual(['Lyon']);
      const regexp = await gql(h, '{ allArticles(filter: { title: { matches: { pattern: "^P.*", regexp: true } } }) { title } }');
      expect(regexp.json().data).toBeNull();
      expect(regexp.json().errors[0].extensions).toMatchObject({ code: 'INVALID_PARAMS', details: { parameter: 'filter.title' } });
      expect(regexp.json().errors[0].message).toMatch(/regexp: true is not supported/);
    });

    it('takes a boolean never set for false, and date-times to the minute, as DatoCMS does', async () => {
      expect(await titles('{ featured: { eq: false } }')).toEqual(['Lyon', 'Nice']);
      expect(await titles('{ featured: { eq: true } }')).toEqual(['Paris']);
      expect(await titles('{ happenedAt: { eq: "2026-03-01T10:30:59Z" } }')).toEqual(['Paris']);
      expect(await titles('{ happenedAt: { neq: "2026-03-01T10:30:00Z" } }')).toEqual(['Lyon', 'Nice']);
      expect(await titles('{ happenedAt: { gte: "2026-03-01T10:31:40Z" } }')).toEqual(['Lyon']);
      expect(await titles('{ happenedAt: { lt: "2026-03-01T11:31:40+01:00" } }')).toEqual(['Paris']);
    });

    it('filters links with anyIn, allIn, notIn, eq and exists', async () => {
      const v = { home, about, team };
      const run = (f: string) => titles(f.replace(/\$(home|about|team)/g, (_m, k: keyof typeof v) => `"${v[k]}"`));
      expect(await run('{ tags: { anyIn: [$home, $team] } }')).toEqual(['Paris']);
      expect(await run('{ tags: { anyIn: [$about] } }')).toEqual(['Lyon', 'Paris']);
      expect(await run('{ tags: { allIn: [$about, $home] } }')).toEqual(['Paris']);
      expect(await run('{ tags: { notIn: [$home] } }')).toEqual(['Lyon', 'Nice']);
      expect(await run('{ tags: { eq: [$home, $about] } }')).toEqual(['Paris']);
      expect(await run('{ tags: { eq: [$about, $home] } }')).toEqual([]);
      expect(await run('{ tags: { exists: false } }')).toEqual(['Nice']);
      expect(await run('{ tags: { anyIn: [] } }')).toEqual([]);
    });

    it('finds positions near a point, in metres', async () => {
      // Lyon lies about 392 km from Paris.
      expect(await titles('{ place: { near: { latitude: 48.86, longitude: 2.35, radius: 1000 } } }')).toEqual(['Paris']);
      expect(await titles('{ place: { near: { latitude: 48.86, longitude: 2.35, radius: 400000 } } }')).toEqual(['Lyon', 'Paris']);
      expect(await titles('{ place: { near: { latitude: 48.86, longitude: 2.35, radius: 380000 } } }')).toEqual(['Paris']);
      expect(await titles('{ place: { exists: false } }')).toEqual(['Nice']);
      expect(await titles('{ accent: { exists: true }, seo: { exists: true } }')).toEqual(['Paris']);
    });

    it('filters and orders by the meta fields DatoCMS has', async () => {
      expect(await titles('{ _firstPublishedAt: { exists: true }, _publicationScheduledAt: { exists: false } }')).toEqual(['Lyon', 'Nice', 'Paris']);
      expect(await titles('{ _unpublishingScheduledAt: { exists: true } }')).toEqual([]);
      expect(await titles('{ _publicationScheduledAt: { neq: "2026-01-01T00:00:00Z" }, parent: { eq: $p } }'.replace('$p', `"${about}"`))).toEqual([
        'Lyon',
        'Nice',
        'Paris',
      ]);
      const ordered = await gql(h, '{ allArticles(orderBy: [_firstPublishedAt_DESC, _publicationScheduledAt_ASC, _status_ASC]) { title } }');
      expect(ordered.json().data.allArticles.map((a: { title: string }) => a.title)).toEqual(['Nice', 'Lyon', 'Paris']);
    });

    it("answers color, position and SEO values in DatoCMS's output types", async () => {
      const res = await gql(
        h,
        `{ allArticles(orderBy: [title_ASC], filter: { accent: { exists: true } }) {
            accent { red green blue alpha hex cssRgb } place { latitude longitude }
            seo { title description image { id } twitterCard noIndex } } }`,
      );
      expect(res.json().data.allArticles).toEqual([
        {
          accent: { red: 0, green: 0, blue: 0, alpha: 51, hex: '#000000', cssRgb: 'rgba(0, 0, 0, 0.2)' },
          place: { latitude: 45.764, longitude: 4.8357 },
          seo: null,
        },
        {
          accent: { red: 255, green: 128, blue: 0, alpha: 255, hex: '#ff8000', cssRgb: 'rgb(255, 128, 0)' },
          place: { latitude: 48.8566, longitude: 2.3522 },
          seo: { title: 'Paris in spring', description: 'A walk', image: { id: '42' }, twitterCard: 'summary_large_image', noIndex: true },
        },
      ]);
    });

    it('walks a tree model with typed parent and children, and the content tree across models', async () => {
      const res = await gql(
        h,
        `query($id: ItemId) { page(id: $id) { title parent { title } children { title children { title } } _children { __typename ... on ArticleRecord { title } } } }`,
        { id: about },
      );
      expect(res.json()).toEqual({
        data: {
          page: {
            title: 'About',
            parent: { title: 'Home' },
            children: [{ title: 'Team', children: [] }],
            _children: [
              { __typename: 'PageRecord' },
              { __typename: 'ArticleRecord', title: 'Paris' },
              { __typename: 'ArticleRecord', title: 'Lyon' },
              { __typename: 'ArticleRecord', title: 'Nice' },
            ],
          },
        },
      });
      const roots = await gql(h, '{ allPages(filter: { parent: { exists: false } }) { title children { title } } }');
      expect(roots.json()).toEqual({ data: { allPages: [{ title: 'Home', children: [{ title: 'About' }] }] } });
      const up = await gql(h, `{ article(id: "${posts[0]}") { parent { id } _parent { ... on PageRecord { title } } } }`);
      expect(up.json()).toEqual({ data: { article: { parent: { id: about }, _parent: { title: 'About' } } } });
    });

    it("answers DatoCMS's system fields", async () => {
      const res = await gql(
        h,
        `{ article(id: "${posts[0]}") { id _modelApiKey _firstPublishedAt _publishedAt _isValid _publicationScheduledAt _unpublishingScheduledAt
            _seoMetaTags { tag attributes content } } nice: article(id: "${posts[2]}") { _seoMetaTags(locale: en) { tag attributes content } } }`,
      );
      const { article: a, nice } = res.json().data;
      expect(a).toMatchObject({ id: posts[0], _modelApiKey: 'article', _isValid: true, _publicationScheduledAt: null, _unpublishingScheduledAt: null });
      expect(a._firstPublishedAt).toBe(a._publishedAt);
      expect(a._seoMetaTags).toEqual(
        expect.arrayContaining([
          { tag: 'title', attributes: null, content: 'Paris in spring' },
          { tag: 'meta', attributes: { property: 'og:title', content: 'Paris in spring' }, content: null },
          { tag: 'meta', attributes: { name: 'description', content: 'A walk' }, content: null },
          { tag: 'meta', attributes: { name: 'robots', content: 'noindex' }, content: null },
          { tag: 'meta', attributes: { name: 'twitter:card', content: 'summary_large_image' }, content: null },
        ]),
      );
      expect(nice._seoMetaTags.map((t: { tag: string }) => t.tag)).not.toContain('title');
    });

    it('reports a record that no longer fits its model as not valid', async () => {
      const note = await createItemType(h, 'note', [{ api_key: 'body', field_type: 'string' }]);
      const id = await createItem(h, note, { body: null }, { publish: true });
      expect((await gql(h, '{ allNotes { _isValid } }')).json().data.allNotes).toEqual([{ _isValid: true }]);
      const changed = await asAdmin(h, 'PUT', '/fields/note::body', { data: { type: 'field', attributes: { validators: { required: {} } } } });
      expect(changed.statusCode, changed.body).toBe(200);
      expect((await gql(h, `{ note(id: "${id}") { _isValid } }`)).json().data.note).toEqual({ _isValid: false });
    });

    it("answers _site with the project's one locale and its name", async () => {
      const res = await gql(
        h,
        '{ _site(locale: en) { locales globalSeo { siteName titleSuffix fallbackSeo { title description } } favicon { id } faviconMetaTags { tag } noIndex } }',
      );
      const site = res.json().data._site;
      expect(site.locales).toEqual(['en']);
      expect(site.globalSeo.titleSuffix).toBeNull();
      expect(site.globalSeo.fallbackSeo).toEqual({ title: site.globalSeo.siteName, description: null });
      expect(site).toMatchObject({ favicon: null, faviconMetaTags: [], noIndex: false });
    });

    it("accepts the project's locale on lists, records and counts, and refuses another", async () => {
      const ok = await gql(
        h,
        '{ allArticles(locale: en, fallbackLocales: [en], first: 1) { title } article(locale: en) { title } _allArticlesMeta(locale: en) { count } }',
      );
      expect(ok.json().errors).toBeUndefined();
      const other = await gql(h, '{ allArticles(locale: it) { title } }');
      expect(other.statusCode).toBe(200);
      expect(other.json().errors[0].message).toMatch(/"it".*SiteLocale/);
    });
  });
}
