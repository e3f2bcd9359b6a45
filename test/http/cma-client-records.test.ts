/**
 * The official `@datocms/cma-client-node`, unchanged, over real HTTP, on records the way DatoCMS's
 * documentation uses it: filtered and ordered lists, `listPagedIterator` over a long list, an
 * update with a stale `meta.current_version`, bulk operations (answered as jobs the client polls)
 * and references.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ApiError, buildClient, type Client } from '@datocms/cma-client-node';
import { DIALECTS } from '../support/databases.ts';
import { startHarness, type Harness } from '../support/harness.ts';
import { createItemType } from '../content/fixtures.ts';

async function rejection(promise: Promise<unknown>): Promise<ApiError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ApiError);
  return error as ApiError;
}

for (const dialect of DIALECTS) {
  describe(`${dialect}: records through the official CMA client`, () => {
    let h: Harness;
    let client: Client;
    let article: string;
    let author: string;

    beforeAll(async () => {
      h = await startHarness({ dialect });
      client = buildClient({ apiToken: h.adminSecret, baseUrl: await h.listen(), autoRetry: false });
      author = await createItemType(h, 'author', [{ api_key: 'name', field_type: 'string' }]);
      article = await createItemType(h, 'article', [
        { api_key: 'title', field_type: 'string' },
        { api_key: 'views', field_type: 'integer' },
        { api_key: 'writer', field_type: 'link', validators: { item_item_type: { item_types: [author] } } },
      ]);
    });
    afterAll(() => h.close());
    beforeEach(() => h.clock.advance(3_000));

    it('lists with filter.fields, filter.query and order_by, and walks a long list page by page', async () => {
      for (let i = 0; i < 65; i++) {
        h.clock.advance(60);
        await client.items.create({ item_type: { type: 'item_type', id: article }, title: `Post ${i}`, views: i });
      }
      const top = await client.items.list({ filter: { type: 'article', fields: { views: { gte: 60 } } }, order_by: 'views_DESC' });
      expect(top.map((r) => r.views)).toEqual([64, 63, 62, 61, 60]);
      const found = await client.items.list({ filter: { type: 'article', query: 'post 1' } });
      expect(found.map((r) => r.title).sort()).toEqual(['Post 1', ...Array.from({ length: 10 }, (_, i) => `Post ${10 + i}`)].sort());
      const seen: string[] = [];
      for await (const record of client.items.listPagedIterator({ filter: { type: article } }, { perPage: 20 })) seen.push(record.id);
      expect(seen).toHaveLength(65);
      expect(new Set(seen).size).toBe(65);
    });

    it('refuses an update naming a stale current_version with STALE_ITEM_VERSION', async () => {
      const record = await client.items.create({ item_type: { type: 'item_type', id: article }, title: 'v1' });
      const updated = await client.items.update(record.id, { title: 'v2', meta: { current_version: record.meta.current_version } });
      expect(updated.title).toBe('v2');
      const error = await rejection(client.items.update(record.id, { title: 'v3', meta: { current_version: record.meta.current_version } }));
      expect(error.response.status).toBe(422);
      expect(error.findError('STALE_ITEM_VERSION')).toBeDefined();
      expect((await client.items.find(record.id)).title).toBe('v2');
    });

    it('bulk-publishes, bulk-unpublishes and bulk-destroys through the job protocol', { timeout: 20_000 }, async () => {
      const records = await Promise.all(['a', 'b', 'c'].map((title) => client.items.create({ item_type: { type: 'item_type', id: article }, title })));
      const refs = records.map((r) => ({ type: 'item' as const, id: r.id }));
      await client.items.bulkPublish({ items: refs });
      for (const r of records) expect((await client.items.find(r.id)).meta.status).toBe('published');
      await client.items.bulkUnpublish({ items: refs.slice(0, 1) });
      expect((await client.items.find(records[0]!.id)).meta.status).toBe('draft');
      await client.items.bulkDestroy({ items: refs });
      const gone = await rejection(client.items.find(records[0]!.id));
      expect(gone.response.status).toBe(404);
    });

    it('lists the records referencing a record', async () => {
      const writer = await client.items.create({ item_type: { type: 'item_type', id: author }, name: 'Ada' });
      const post = await client.items.create({ item_type: { type: 'item_type', id: article }, title: 'by Ada', writer: writer.id });
      const references = await client.items.references(writer.id);
      expect(references.map((r) => r.id)).toEqual([post.id]);
    });
  });
}
