import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../support/databases.ts';
import { startHarness, type Harness } from '../support/harness.ts';
import { createItem, createItemType, problem } from './fixtures.ts';

const ALL_TYPES = [
  { api_key: 'title', field_type: 'string', required: true },
  { api_key: 'body', field_type: 'text' },
  { api_key: 'views', field_type: 'integer' },
  { api_key: 'rating', field_type: 'float' },
  { api_key: 'featured', field_type: 'boolean' },
  { api_key: 'day', field_type: 'date' },
  { api_key: 'at', field_type: 'date_time' },
  { api_key: 'extra', field_type: 'json' },
  { api_key: 'related', field_type: 'link' },
];

for (const dialect of DIALECTS) {
  describe(`${dialect}: records`, () => {
    let h: Harness;
    let article: string;
    let section: string;
    beforeAll(async () => {
      h = await startHarness({ dialect });
      article = await createItemType(h, 'article', ALL_TYPES);
      section = await createItemType(h, 'section', [{ api_key: 'name', field_type: 'string' }], { tree: true });
    });
    afterAll(() => h.close());

    const post = (attributes: Record<string, unknown>, itemType = article) =>
      h.request('POST', '/items', {
        token: h.adminSecret,
        body: { data: { type: 'item', attributes, relationships: { item_type: { data: { type: 'item_type', id: itemType } } } } },
      });

    it('stores every field type and returns it in the DatoCMS shape', async () => {
      const res = await post({
        title: 'Hello',
        body: 'Long\ntext',
        views: 3,
        rating: 4.5,
        featured: true,
        day: '2026-02-28',
        at: '2026-02-28T10:00:00+01:00',
        extra: { tags: ['a'] },
      });
      expect(res.statusCode, res.body).toBe(201);
      const data = res.json().data;
      expect(data).toMatchObject({
        type: 'item',
        attributes: {
          title: 'Hello',
          views: 3,
          rating: 4.5,
          featured: true,
          day: '2026-02-28',
          at: '2026-02-28T09:00:00.000Z',
          extra: { tags: ['a'] },
          related: null,
          parent_id: null,
        },
        relationships: { item_type: { data: { type: 'item_type', id: article } }, creator: { data: { type: 'access_token' } } },
        meta: { status: 'draft', published_at: null },
      });
    });

    it.each([
      ['title', { title: 42 }],
      ['views', { title: 'x', views: 1.5 }],
      ['views', { title: 'x', views: 2 ** 31 }],
      ['rating', { title: 'x', rating: 'high' }],
      ['featured', { title: 'x', featured: 'yes' }],
      ['day', { title: 'x', day: '2026-02-30' }],
      ['at', { title: 'x', at: '2026-02-28 10:00' }],
      ['related', { title: 'x', related: 'abc' }],
      ['related', { title: 'x', related: '999999' }],
      ['title', { body: 'no title' }],
      ['nope', { title: 'x', nope: 1 }],
    ])('refuses a bad value with INVALID_FIELD naming %s', async (field, attributes) => {
      const before = await h.request('GET', '/items', { token: h.adminSecret });
      const res = await post(attributes);
      expect(res.statusCode).toBe(422);
      expect(problem(res)).toMatchObject({ code: 'INVALID_FIELD', details: { field } });
      const after = await h.request('GET', '/items', { token: h.adminSecret });
      expect(after.json().meta.total_count).toBe(before.json().meta.total_count);
    });

    it('refuses an unknown item type and a parent that is not of a tree model', async () => {
      expect(problem(await post({ title: 'x' }, '99999')).code).toBe('INVALID_RELATIONSHIP');
      const leaf = await createItem(h, article, { title: 'leaf' });
      const res = await post({ title: 'child', parent_id: leaf });
      expect(res.statusCode).toBe(422);
      expect(problem(res)).toMatchObject({ code: 'INVALID_FIELD', details: { field: 'parent_id' } });
    });

    it('runs the draft → publish → edit → unpublish lifecycle with two versions', async () => {
      const id = await createItem(h, article, { title: 'v1' });
      const status = async (version = 'current') => (await h.request('GET', `/items/${id}?version=${version}`, { token: h.adminSecret })).json();
      expect((await status()).data.meta.status).toBe('draft');
      expect((await h.request('GET', `/items/${id}?version=published`, { token: h.adminSecret })).statusCode).toBe(404);

      h.clock.advance(1000);
      const published = await h.request('PUT', `/items/${id}/publish`, { token: h.adminSecret });
      expect(published.json().data.meta).toMatchObject({ status: 'published', published_at: new Date(h.clock.now()).toISOString() });

      const edited = await h.request('PUT', `/items/${id}`, { token: h.adminSecret, body: { data: { type: 'item', id, attributes: { title: 'v2' } } } });
      expect(edited.json().data).toMatchObject({ attributes: { title: 'v2' }, meta: { status: 'updated' } });
      expect((await status('published')).data.attributes.title).toBe('v1');

      const restored = await h.request('PUT', `/items/${id}`, { token: h.adminSecret, body: { data: { type: 'item', attributes: { title: 'v1' } } } });
      expect(restored.json().data.meta.status).toBe('published');

      await h.request('PUT', `/items/${id}/publish`, { token: h.adminSecret });
      const unpublished = await h.request('PUT', `/items/${id}/unpublish`, { token: h.adminSecret });
      expect(unpublished.json().data.meta).toMatchObject({ status: 'draft', published_at: null });
    });

    it('keeps required fields required on update', async () => {
      const id = await createItem(h, article, { title: 'keep' });
      const res = await h.request('PUT', `/items/${id}`, { token: h.adminSecret, body: { data: { type: 'item', attributes: { title: null } } } });
      expect(problem(res)).toMatchObject({ code: 'INVALID_FIELD', details: { field: 'title', code: 'VALIDATION_REQUIRED' } });
    });

    it('refuses to move a record to another model, and changes nothing', async () => {
      const id = await createItem(h, article, { title: 'stays an article' });
      const res = await h.request('PUT', `/items/${id}`, {
        token: h.adminSecret,
        body: { data: { type: 'item', attributes: { title: 'renamed' }, relationships: { item_type: { data: { type: 'item_type', id: section } } } } },
      });
      expect(problem(res)).toMatchObject({ code: 'INVALID_FIELD', details: { field: 'item_type', code: 'ITEM_TYPE_CANNOT_BE_CHANGED' } });
      const after = (await h.request('GET', `/items/${id}`, { token: h.adminSecret })).json().data;
      expect(after.attributes.title).toBe('stays an article');
      expect(after.relationships.item_type.data.id).toBe(article);
    });

    it('filters by type, ids and parent, and paginates with a total count', async () => {
      const root = await createItem(h, section, { name: 'root' });
      const kids = [];
      for (let i = 0; i < 5; i++) kids.push(await createItem(h, article, { title: `kid ${i}` }, { parentId: root }));
      const list = (qs: string) => h.request('GET', `/items?${qs}`, { token: h.adminSecret }).then((r) => r.json());

      const byParent = await list(`filter[parent]=${root}`);
      expect(byParent.data.map((d: { id: string }) => d.id)).toEqual(kids);
      expect(byParent.data.map((d: { attributes: { position: number } }) => d.attributes.position)).toEqual([0, 1, 2, 3, 4]);

      const page = await list(`filter[parent]=${root}&page[offset]=1&page[limit]=2`);
      expect(page.data.map((d: { id: string }) => d.id)).toEqual(kids.slice(1, 3));
      expect(page.meta.total_count).toBe(5);

      const byIds = await list(`filter[ids]=${kids[0]},${kids[4]},${root}&filter[type]=article`);
      expect(byIds.data.map((d: { id: string }) => d.id)).toEqual([kids[0], kids[4]]);

      const sections = await list('filter[type]=section');
      expect(sections.data.every((d: { relationships: { item_type: { data: { id: string } } } }) => d.relationships.item_type.data.id === section)).toBe(true);

      const tops = await list('filter[parent]=null&filter[type]=section');
      expect(tops.data.map((d: { id: string }) => d.id)).toContain(root);
    });

    it('rejects malformed list parameters with INVALID_PARAMS', async () => {
      for (const qs of ['page[limit]=0', 'page[limit]=501', 'page[offset]=-1', 'filter[type]=nosuch', 'filter[parent]=abc', 'sort=x']) {
        const res = await h.request('GET', `/items?${qs}`, { token: h.adminSecret });
        expect(res.statusCode, qs).toBe(400);
        expect(problem(res).code).toBe('INVALID_PARAMS');
      }
    });

    it('moves a subtree and refuses a move under its own descendant', async () => {
      const a = await createItem(h, section, { name: 'a' });
      const b = await createItem(h, section, { name: 'b' }, { parentId: a });
      const c = await createItem(h, article, { title: 'c' }, { parentId: b });
      const other = await createItem(h, section, { name: 'other' });
      const cycle = await h.request('PUT', `/items/${a}`, { token: h.adminSecret, body: { data: { type: 'item', attributes: { parent_id: c } } } });
      expect(problem(cycle)).toMatchObject({ code: 'INVALID_FIELD', details: { field: 'parent_id' } });
      const moved = await h.request('PUT', `/items/${b}`, { token: h.adminSecret, body: { data: { type: 'item', attributes: { parent_id: other } } } });
      expect(moved.json().data.attributes.parent_id).toBe(other);
      const item = await h.runtime.store.findItem(c);
      expect(item?.pathIds).toEqual([other, b, c]);
    });

    it('refuses to delete an item with children or a model with records', async () => {
      const parent = await createItem(h, section, { name: 'p' });
      const child = await createItem(h, article, { title: 'c' }, { parentId: parent });
      expect(problem(await h.request('DELETE', `/items/${parent}`, { token: h.adminSecret })).code).toBe('DELETE_RESTRICTION');
      expect(problem(await h.request('DELETE', `/item-types/${section}`, { token: h.adminSecret })).code).toBe('DELETE_RESTRICTION');
      const deleted = await h.request('DELETE', `/items/${child}`, { token: h.adminSecret });
      expect(deleted.json().data.id).toBe(child);
      expect((await h.request('GET', `/items/${child}`, { token: h.adminSecret })).statusCode).toBe(404);
    });
  });
}
