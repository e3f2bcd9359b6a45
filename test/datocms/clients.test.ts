/**
 * DatoCMS's own clients, unchanged, against a real Latchkey over HTTP, used the way DatoCMS's
 * documentation shows: `@datocms/cma-client-node` (`buildClient({ apiToken, baseUrl, environment })`)
 * for the schema and the records, `@datocms/cda-client` (`executeQuery(query, { token, … })`) for
 * delivery. One `describe` per feature, each on a fresh project, so that a failing feature shows
 * as itself: tokens, records (the basics), fields, records (DatoCMS's record API), delivery,
 * environments.
 *
 * The only option beyond DatoCMS's examples is `fetchFn`, a documented option of both clients,
 * used here to move the harness's fake clock by 60 ms per request as a script would take: the
 * rate limit (60 requests per 3 s) then never trips in the middle of a long test.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError, buildClient, type Client } from '@datocms/cma-client-node';
import { ApiError as DeliveryError, executeQuery } from '@datocms/cda-client';
import { DIALECTS } from '../support/databases.ts';
import { startHarness, type Harness } from '../support/harness.ts';
import { adminRoleId } from '../http/fixtures.ts';
import { createItemType } from '../content/fixtures.ts';

interface Project {
  readonly h: Harness;
  readonly baseUrl: string;
  /** The full-access token's client, on the primary environment. */
  readonly client: Client;
  clientFor(apiToken: string, environment?: string): Client;
  /** `executeQuery` with the full-access token, pointed at Latchkey's base URL. */
  query<T = Record<string, unknown>>(
    query: string,
    options?: { variables?: Record<string, unknown>; includeDrafts?: boolean; environment?: string; token?: string },
  ): Promise<T>;
}

/** A fresh project per feature, served over HTTP; closed after the feature's tests. */
function project(dialect: (typeof DIALECTS)[number]): () => Project {
  let p: Project | null = null;
  beforeAll(async () => {
    const h = await startHarness({ dialect });
    const baseUrl = await h.listen();
    const fetchFn: typeof fetch = (input, init) => {
      h.clock.advance(60);
      return fetch(input, init);
    };
    const clientFor = (apiToken: string, environment?: string) =>
      buildClient({ apiToken, baseUrl, autoRetry: false, fetchFn, ...(environment !== undefined ? { environment } : {}) });
    p = {
      h,
      baseUrl,
      client: clientFor(h.adminSecret),
      clientFor,
      query: (query, options = {}) =>
        executeQuery(query, {
          token: options.token ?? h.adminSecret,
          graphqlEndpointUrl: baseUrl,
          fetchFn,
          autoRetry: false,
          ...(options.variables ? { variables: options.variables } : {}),
          ...(options.includeDrafts ? { includeDrafts: true } : {}),
          ...(options.environment !== undefined ? { environment: options.environment } : {}),
        }),
    };
  });
  afterAll(async () => {
    await p?.h.close();
  });
  return () => {
    if (!p) throw new Error('the project is not started');
    return p;
  };
}

async function rejection(promise: Promise<unknown>): Promise<ApiError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ApiError);
  return error as ApiError;
}

async function deliveryRejection(promise: Promise<unknown>): Promise<DeliveryError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DeliveryError);
  return error as DeliveryError;
}

const itemType = (id: string) => ({ type: 'item_type' as const, id });

for (const dialect of DIALECTS) {
  describe(`${dialect}: DatoCMS's clients`, () => {
    describe('tokens', () => {
      const p = project(dialect);

      it('creates a delivery token with the CMA client and queries with it through the CDA client', async () => {
        const { client } = p();
        const token = await client.accessTokens.create({
          name: 'Website build',
          can_access_cda: true,
          can_access_cda_preview: false,
          can_access_cma: false,
          role: { type: 'role', id: await adminRoleId(p().h) },
        });
        expect(token).toMatchObject({ type: 'access_token', name: 'Website build', can_access_cda: true, can_access_cma: false });
        const secret = token.token as string;
        expect(await p().query<{ __typename: string }>('{ __typename }', { token: secret })).toEqual({ __typename: 'Query' });
        // It may not preview drafts, and the CDA client says so with the server's answer.
        const drafts = await deliveryRejection(p().query('{ __typename }', { token: secret, includeDrafts: true }));
        expect(drafts.response.status).toBe(401);
        expect(JSON.stringify(drafts.response.body)).toContain('INVALID_AUTHORIZATION_HEADER');
        // Nor call the CMA.
        const cma = await rejection(p().clientFor(secret).items.list());
        expect(cma.response.status).toBe(401);
      });

      it('finds the caller with users.findMe', async () => {
        const me = await p().client.users.findMe();
        expect(me).toMatchObject({ type: 'access_token', name: 'Full-access API token' });
      });
    });

    describe('records: create, find, list, publish, destroy', () => {
      const p = project(dialect);
      let articleType: string;

      beforeAll(async () => {
        articleType = await createItemType(p().h, 'article', [{ api_key: 'title', field_type: 'string' }]);
      });

      it('creates a record as DatoCMS’s docs show, and finds it', async () => {
        const { client } = p();
        const record = await client.items.create({ item_type: itemType(articleType), title: 'The JavaScript Guide' });
        expect(record).toMatchObject({ type: 'item', title: 'The JavaScript Guide', item_type: itemType(articleType) });
        expect(await client.items.find(record.id)).toMatchObject({ id: record.id, title: 'The JavaScript Guide' });
      });

      it('lists the records of a model, by its api key, and pages through them with listPagedIterator', async () => {
        const { client } = p();
        const created = [];
        for (const title of ['one', 'two', 'three', 'four', 'five']) created.push((await client.items.create({ item_type: itemType(articleType), title })).id);
        const listed = await client.items.list({ filter: { type: 'article' } });
        expect(listed.map((r) => r.id)).toEqual(expect.arrayContaining(created));
        const paged: string[] = [];
        for await (const record of client.items.listPagedIterator({ filter: { type: 'article' } }, { perPage: 2 })) paged.push(record.id);
        expect(paged).toEqual(listed.map((r) => r.id));
      });

      it('updates, publishes, unpublishes and destroys a record', async () => {
        const { client } = p();
        const record = await client.items.create({ item_type: itemType(articleType), title: 'draft' });
        expect((await client.items.update(record.id, { title: 'final' })).title).toBe('final');
        expect((await client.items.publish(record.id)).meta.status).toBe('published');
        expect((await client.items.unpublish(record.id)).meta.status).toBe('draft');
        expect((await client.items.destroy(record.id)).id).toBe(record.id);
        const gone = await rejection(client.items.find(record.id));
        expect(gone.response.status).toBe(404);
        expect(gone.findError('NOT_FOUND')).toBeTruthy();
      });
    });

    describe('fields', () => {
      const p = project(dialect);

      it('builds a model, then its fields with validators, and finds the model by api key', async () => {
        const { client } = p();
        const model = await client.itemTypes.create({ name: 'Article', api_key: 'article', draft_mode_active: true });
        expect(model).toMatchObject({ type: 'item_type', name: 'Article', api_key: 'article', draft_mode_active: true });
        const title = await client.fields.create(model.id, { label: 'Title', field_type: 'string', api_key: 'title', validators: { required: {} } });
        expect(title).toMatchObject({ type: 'field', label: 'Title', field_type: 'string', api_key: 'title', validators: { required: {} }, localized: false });
        const published = await client.fields.create(model.id, { label: 'Published on', field_type: 'date_time', api_key: 'published_on' });
        expect(published.field_type).toBe('date_time');

        const found = await client.itemTypes.find('article');
        expect(found.id).toBe(model.id);
        expect(found.fields).toEqual([
          { type: 'field', id: title.id },
          { type: 'field', id: published.id },
        ]);
        expect((await client.fields.list(model.id)).map((f) => f.api_key)).toEqual(['title', 'published_on']);
        expect(await client.fields.find(title.id)).toMatchObject({ id: title.id, api_key: 'title' });
      });

      it('enforces the validators on records', async () => {
        const { client } = p();
        const model = await client.itemTypes.find('article');
        const missing = await rejection(client.items.create({ item_type: itemType(model.id), title: null }));
        expect(missing.response.status).toBe(422);
        expect(missing.findError('INVALID_FIELD', { field: 'title' })).toBeTruthy();
        const record = await client.items.create({ item_type: itemType(model.id), title: 'Valid', published_on: '2026-11-18T10:00:00Z' });
        expect(record).toMatchObject({ title: 'Valid' });
      });

      it('updates and destroys a field, and the records follow', async () => {
        const { client } = p();
        const model = await client.itemTypes.find('article');
        const summary = await client.fields.create(model.id, { label: 'Summary', field_type: 'text', api_key: 'summary', validators: { length: { max: 10 } } });
        const tooLong = await rejection(client.items.create({ item_type: itemType(model.id), title: 'T', summary: 'far more than ten characters' }));
        expect(tooLong.findError('INVALID_FIELD', { field: 'summary' })).toBeTruthy();
        const updated = await client.fields.update(summary.id, { label: 'Abstract', validators: {} });
        expect(updated).toMatchObject({ label: 'Abstract', validators: {} });
        const record = await client.items.create({ item_type: itemType(model.id), title: 'T', summary: 'far more than ten characters' });
        await client.fields.destroy(summary.id);
        expect(await client.items.find(record.id)).not.toHaveProperty('summary');
      });

      it('refuses a field type Latchkey does not support, naming it', async () => {
        const { client } = p();
        const model = await client.itemTypes.find('article');
        const error = await rejection(client.fields.create(model.id, { label: 'Body', field_type: 'structured_text', api_key: 'body' }));
        expect(error.response.status).toBe(422);
        expect(JSON.stringify(error.errors)).toContain('structured_text');
      });

      it('publishes the records of a model without draft mode on every save, as DatoCMS does', async () => {
        const { client } = p();
        const notes = await client.itemTypes.create({ name: 'Note', api_key: 'note' });
        await client.fields.create(notes.id, { label: 'Title', field_type: 'string', api_key: 'title' });
        const note = await client.items.create({ item_type: itemType(notes.id), title: 'live' });
        expect(note.meta.status).toBe('published');
      });
    });

    describe('records', () => {
      const p = project(dialect);
      let model: string;

      beforeAll(async () => {
        const { client } = p();
        model = (await client.itemTypes.create({ name: 'Article', api_key: 'article', draft_mode_active: true })).id;
        await client.fields.create(model, { label: 'Title', field_type: 'string', api_key: 'title', validators: { required: {} } });
        await client.fields.create(model, { label: 'Rank', field_type: 'integer', api_key: 'rank' });
        for (const [title, rank] of [
          ['Alpha guide', 3],
          ['Beta notes', 1],
          ['Gamma guide', 2],
        ] as const) {
          await client.items.create({ item_type: itemType(model), title, rank });
        }
      });

      it('filters by field values and orders, as items.list documents', async () => {
        const { client } = p();
        const guides = await client.items.list({
          filter: { type: 'article', fields: { title: { matches: { pattern: 'guide', case_sensitive: false } } } },
          order_by: 'rank_ASC',
        });
        expect(guides.map((r) => r.title)).toEqual(['Gamma guide', 'Alpha guide']);
        const ranked = await client.items.list({ filter: { type: 'article', fields: { rank: { gte: 2 } } }, order_by: 'title_DESC' });
        expect(ranked.map((r) => r.title)).toEqual(['Gamma guide', 'Alpha guide']);
        const searched = await client.items.list({ filter: { type: 'article', query: 'notes' } });
        expect(searched.map((r) => r.title)).toEqual(['Beta notes']);
      });

      it('pages through a filtered, ordered list with listPagedIterator', async () => {
        const { client } = p();
        const titles: string[] = [];
        for await (const record of client.items.listPagedIterator(
          { filter: { type: 'article', fields: { rank: { exists: true } } }, order_by: 'rank_DESC' },
          { perPage: 1 },
        ))
          titles.push(record.title as string);
        expect(titles).toEqual(['Alpha guide', 'Gamma guide', 'Beta notes']);
      });

      it('refuses an update naming a stale version with STALE_ITEM_VERSION, writing nothing', async () => {
        const { client } = p();
        const record = await client.items.create({ item_type: itemType(model), title: 'Versioned' });
        const version = record.meta.current_version;
        expect(typeof version).toBe('string');
        const updated = await client.items.update(record.id, { title: 'First edit', meta: { current_version: version } });
        expect(updated.meta.current_version).not.toBe(version);
        const stale = await rejection(client.items.update(record.id, { title: 'Lost edit', meta: { current_version: version } }));
        expect(stale.response.status).toBe(422);
        expect(stale.findError('STALE_ITEM_VERSION')).toBeTruthy();
        expect((await client.items.find(record.id)).title).toBe('First edit');
      });

      it('publishes, unpublishes and destroys in bulk', async () => {
        const { client } = p();
        const a = await client.items.create({ item_type: itemType(model), title: 'Bulk A' });
        const b = await client.items.create({ item_type: itemType(model), title: 'Bulk B' });
        const refs = [a, b].map((r) => ({ type: 'item' as const, id: r.id }));
        await client.items.bulkPublish({ items: refs });
        for (const r of [a, b]) expect((await client.items.find(r.id)).meta.status).toBe('published');
        await client.items.bulkUnpublish({ items: refs });
        for (const r of [a, b]) expect((await client.items.find(r.id)).meta.status).toBe('draft');
        await client.items.bulkDestroy({ items: refs });
        for (const r of [a, b]) expect((await rejection(client.items.find(r.id))).response.status).toBe(404);
      });

      it('reads the published version, and lists the records that link to one', async () => {
        const { client } = p();
        const related = await client.fields.create(model, {
          label: 'Related',
          field_type: 'link',
          api_key: 'related',
          validators: { item_item_type: { item_types: [model] } },
        });
        expect(related.field_type).toBe('link');
        const target = await client.items.create({ item_type: itemType(model), title: 'Target' });
        await client.items.publish(target.id);
        await client.items.update(target.id, { title: 'Target (edited)' });
        expect((await client.items.find(target.id, { version: 'published' })).title).toBe('Target');
        expect((await client.items.find(target.id)).title).toBe('Target (edited)');
        const linking = await client.items.create({ item_type: itemType(model), title: 'Linking', related: target.id });
        expect((await client.items.references(target.id)).map((r) => r.id)).toEqual([linking.id]);
      });
    });

    describe('delivery', () => {
      const p = project(dialect);
      const ids: Record<string, string> = {};

      beforeAll(async () => {
        const { h, client } = p();
        const articleType = await createItemType(h, 'article', [{ api_key: 'title', field_type: 'string' }]);
        const pageType = await createItemType(h, 'page', [{ api_key: 'title', field_type: 'string' }], { tree: true });
        for (const title of ['Alpha', 'Beta', 'Gamma']) {
          ids[title] = (await client.items.create({ item_type: itemType(articleType), title })).id;
          await client.items.publish(ids[title]!);
        }
        ids.home = (await client.items.create({ item_type: itemType(pageType), title: 'Home' })).id;
        ids.about = (await client.items.create({ item_type: itemType(pageType), title: 'About', parent_id: ids.home })).id;
        for (const id of [ids.home, ids.about]) await client.items.publish(id!);
      });

      it('reads one record with an ItemId variable', async () => {
        const data = await p().query<{ article: { id: string; title: string } }>(
          'query Article($id: ItemId) { article(filter: { id: { eq: $id } }) { id title } }',
          {
            variables: { id: ids.Beta },
          },
        );
        expect(data.article).toEqual({ id: ids.Beta, title: 'Beta' });
      });

      it('pages and orders with IntType and [ArticleModelOrderBy] variables, and counts with _allArticlesMeta', async () => {
        const data = await p().query<{ allArticles: { title: string }[]; _allArticlesMeta: { count: number } }>(
          'query Articles($first: IntType, $skip: IntType, $orderBy: [ArticleModelOrderBy]) { allArticles(first: $first, skip: $skip, orderBy: $orderBy) { title } _allArticlesMeta { count } }',
          { variables: { first: 2, skip: 0, orderBy: ['title_DESC'] } },
        );
        expect(data.allArticles).toEqual([{ title: 'Gamma' }, { title: 'Beta' }]);
        expect(data._allArticlesMeta).toEqual({ count: 3 });
      });

      it('traverses a tree model with typed children and parent', async () => {
        const data = await p().query<{ allPages: { title: string; children: { title: string }[] }[]; page: { title: string; parent: { title: string } } }>(
          'query Tree($id: ItemId) { allPages(filter: { parent: { exists: false } }) { title children { title } } page(filter: { id: { eq: $id } }) { title parent { title } } }',
          { variables: { id: ids.about } },
        );
        expect(data.allPages).toEqual([{ title: 'Home', children: [{ title: 'About' }] }]);
        expect(data.page).toEqual({ title: 'About', parent: { title: 'Home' } });
      });

      it('answers _site { locales } and accepts that locale as an argument', async () => {
        const site = await p().query<{ _site: { locales: string[] } }>('{ _site { locales } }');
        expect(site._site.locales).toHaveLength(1);
        const [locale] = site._site.locales;
        const data = await p().query<{ allArticles: { title: string }[] }>(
          'query ($locale: SiteLocale) { allArticles(locale: $locale, orderBy: [title_ASC]) { title } }',
          {
            variables: { locale },
          },
        );
        expect(data.allArticles.map((a) => a.title)).toEqual(['Alpha', 'Beta', 'Gamma']);
      });

      it('answers DatoCMS’s system fields', async () => {
        const data = await p().query<{ article: Record<string, unknown> }>(
          'query ($id: ItemId) { article(filter: { id: { eq: $id } }) { _firstPublishedAt _isValid _publicationScheduledAt _seoMetaTags { tag } } }',
          { variables: { id: ids.Alpha } },
        );
        expect(data.article).toMatchObject({ _isValid: true, _publicationScheduledAt: null, _seoMetaTags: expect.any(Array) });
        expect(typeof data.article._firstPublishedAt).toBe('string');
      });
    });

    describe('environments', () => {
      const p = project(dialect);
      let articleType: string;

      beforeAll(async () => {
        articleType = await createItemType(p().h, 'article', [{ api_key: 'title', field_type: 'string' }]);
      });

      it('lists and finds the primary environment, main', async () => {
        const { client } = p();
        const environments = await client.environments.list();
        expect(environments).toEqual([
          {
            type: 'environment',
            id: 'main',
            meta: expect.objectContaining({ status: 'ready', primary: true, forked_from: null, read_only_mode: false }),
          },
        ]);
        expect(await client.environments.find('main')).toEqual(environments[0]);
        const missing = await rejection(client.environments.find('sandbox'));
        expect(missing.response.status).toBe(404);
        expect(missing.findError('NOT_FOUND')).toBeTruthy();
      });

      it('works with environment: "main" on both clients', async () => {
        const { client, h } = p();
        const main = p().clientFor(h.adminSecret, 'main');
        const record = await main.items.create({ item_type: itemType(articleType), title: 'In main' });
        expect((await client.items.find(record.id)).title).toBe('In main');
        await main.items.publish(record.id);
        const data = await p().query<{ allArticles: { title: string }[] }>('{ allArticles { title } }', { environment: 'main' });
        expect(data.allArticles.map((a) => a.title)).toContain('In main');
      });

      it('refuses a migration script aimed at a sandbox: INVALID_ENVIRONMENT, and nothing written', async () => {
        const { client, h } = p();
        const sandbox = p().clientFor(h.adminSecret, 'sandbox');
        const before = await client.items.list({ filter: { type: 'article' } });
        const created = await rejection(sandbox.items.create({ item_type: itemType(articleType), title: 'Meant for the sandbox' }));
        expect(created.response.status).toBe(404);
        expect(created.findError('INVALID_ENVIRONMENT')).toBeTruthy();
        const modelChange = await rejection(sandbox.itemTypes.update(articleType, { name: 'Sandboxed' }));
        expect(modelChange.findError('INVALID_ENVIRONMENT')).toBeTruthy();
        const reading = await rejection(sandbox.items.list());
        expect(reading.findError('INVALID_ENVIRONMENT')).toBeTruthy();
        expect(await client.items.list({ filter: { type: 'article' } })).toEqual(before);
        expect((await client.itemTypes.find(articleType)).name).toBe('article');
      });

      it('refuses a delivery query aimed at an environment that does not exist', async () => {
        const error = await deliveryRejection(p().query('{ allArticles { title } }', { environment: 'nonexistent-env' }));
        expect(error.response.status).toBe(404);
        const body = error.response.body as { data: { attributes: { code: string } }[] };
        expect(body.data[0]!.attributes.code).toBe('INVALID_ENVIRONMENT');
      });

      it('serves the delivery client at /graphql too, for those who set the full endpoint', async () => {
        const data = await executeQuery<{ __typename: string }>('{ __typename }', {
          token: p().h.adminSecret,
          graphqlEndpointUrl: `${p().baseUrl}/graphql`,
          fetchFn: (input, init) => {
            p().h.clock.advance(60);
            return fetch(input, init);
          },
        });
        expect(data).toEqual({ __typename: 'Query' });
      });
    });
  });
}
