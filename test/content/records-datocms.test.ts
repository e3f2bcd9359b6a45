/**
 * Records as DatoCMS's CMA has them: stale-version updates, `meta.is_valid`, `GET /items` with
 * DatoCMS's filters, text search and `order_by`, bulk operations answered as jobs, and references.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DIALECTS } from '../support/databases.ts';
import { startHarness, type Harness } from '../support/harness.ts';
import { asAdmin, createItem, createItemType, createRole, createToken, problem } from './fixtures.ts';

const FIELDS = [
  { api_key: 'title', field_type: 'string' },
  { api_key: 'body', field_type: 'text' },
  { api_key: 'slug', field_type: 'slug' },
  { api_key: 'views', field_type: 'integer' },
  { api_key: 'rating', field_type: 'float' },
  { api_key: 'featured', field_type: 'boolean' },
  { api_key: 'day', field_type: 'date' },
  { api_key: 'at', field_type: 'date_time' },
  { api_key: 'extra', field_type: 'json' },
  { api_key: 'author', field_type: 'link' },
  { api_key: 'tags', field_type: 'links' },
];

for (const dialect of DIALECTS) {
  describe(`${dialect}: records as DatoCMS has them`, () => {
    let h: Harness;
    let article: string;
    let person: string;
    let section: string;
    const people: string[] = [];
    const rows: Record<string, string> = {};

    beforeAll(async () => {
      h = await startHarness({ dialect });
      person = await createItemType(h, 'person', [{ api_key: 'name', field_type: 'string' }]);
      // The link fields point at people, as DatoCMS requires a link field to name its models.
      article = await createItemType(
        h,
        'article',
        FIELDS.map((f) =>
          f.field_type === 'link'
            ? { ...f, validators: { item_item_type: { item_types: [person] } } }
            : f.field_type === 'links'
              ? { ...f, validators: { items_item_type: { item_types: [person] } } }
              : f,
        ),
      );
      section = await createItemType(h, 'section', [{ api_key: 'name', field_type: 'string' }], { tree: true });
      for (const name of ['Ada', 'Bob', 'Cy']) people.push(await createItem(h, person, { name }, { publish: true }));
      const [ada, bob, cy] = people;
      rows.a = await createItem(
        h,
        article,
        {
          title: 'Alpha news',
          body: 'First Story',
          slug: 'alpha',
          views: 10,
          rating: 1.5,
          featured: true,
          day: '2026-01-01',
          at: '2026-01-01T10:00:00Z',
          extra: { x: 1 },
          author: ada,
          tags: [ada, bob],
        },
        { publish: true },
      );
      rows.b = await createItem(h, article, {
        title: 'beta',
        body: 'second',
        slug: 'beta',
        views: 20,
        rating: 2.5,
        featured: false,
        day: '2026-02-01',
        at: '2026-02-01T10:00:00Z',
        author: bob,
        tags: [bob],
      });
      rows.c = await createItem(
        h,
        article,
        { title: 'Gamma', body: '', slug: 'gamma', views: 30, featured: true, day: '2026-03-01', tags: [ada, bob, cy] },
        { publish: true },
      );
      rows.d = await createItem(h, article, { title: '', views: null });
    });
    afterAll(() => h.close());
    beforeEach(() => h.clock.advance(3_000));

    const get = (url: string, token = h.adminSecret) => {
      h.clock.advance(60);
      return h.request('GET', url, { token });
    };
    const ids = async (query: string, token?: string) => {
      const res = await get(`/items?filter[type]=article&${query}`, token);
      expect(res.statusCode, res.body).toBe(200);
      const body = res.json();
      expect(body.meta.total_count).toBe(body.data.length);
      return body.data.map((d: { id: string }) => d.id) as string[];
    };
    const names = (...keys: string[]) => keys.map((k) => rows[k]!);

    describe('stale writes', () => {
      const put = (id: string, attributes: Record<string, unknown>, meta?: Record<string, unknown>) => {
        h.clock.advance(60);
        return h.request('PUT', `/items/${id}`, { token: h.adminSecret, body: { data: { type: 'item', id, attributes, ...(meta ? { meta } : {}) } } });
      };

      it('refuses an update naming an older version with STALE_ITEM_VERSION and writes nothing', async () => {
        const id = await createItem(h, person, { name: 'v1' });
        const read = (await get(`/items/${id}`)).json().data.meta.current_version as string;
        const first = await put(id, { name: 'v2' }, { current_version: read });
        expect(first.statusCode, first.body).toBe(200);
        const now = first.json().data.meta.current_version as string;
        expect(now).not.toBe(read);
        const stale = await put(id, { name: 'v3' }, { current_version: read });
        expect(stale.statusCode).toBe(422);
        expect(problem(stale)).toMatchObject({ code: 'STALE_ITEM_VERSION', details: { current_version: now } });
        const after = (await get(`/items/${id}`)).json().data;
        expect(after.attributes.name).toBe('v2');
        expect(after.meta.current_version).toBe(now);
        // Without a version, no check (as DatoCMS).
        expect((await put(id, { name: 'v4' })).statusCode).toBe(200);
      });

      it('refuses a malformed current_version as INVALID_FORMAT', async () => {
        const id = await createItem(h, person, { name: 'x' });
        const res = await put(id, { name: 'y' }, { current_version: 3 });
        expect(res.statusCode).toBe(422);
        expect(problem(res)).toMatchObject({ code: 'INVALID_FORMAT', details: { pointer: '/data/meta/current_version' } });
      });

      it('lets exactly one of two concurrent writers naming the same version win', async () => {
        const id = await createItem(h, person, { name: 'start' });
        const version = (await get(`/items/${id}`)).json().data.meta.current_version as string;
        const results = await Promise.all(['left', 'right'].map((name) => put(id, { name }, { current_version: version })));
        const statuses = results.map((r) => r.statusCode).sort();
        expect(statuses).toEqual([200, 422]);
        const winner = results.find((r) => r.statusCode === 200)!.json().data.attributes.name;
        expect((await get(`/items/${id}`)).json().data.attributes.name).toBe(winner);
        expect(problem(results.find((r) => r.statusCode === 422)!).code).toBe('STALE_ITEM_VERSION');
      });
    });

    it('computes meta.is_valid against the model as it is today', async () => {
      const model = await createItemType(h, 'memo', [{ api_key: 'text', field_type: 'string' }]);
      const id = await createItem(h, model, {});
      expect((await get(`/items/${id}`)).json().data.meta).toMatchObject({ is_valid: true, is_current_version_valid: true, is_published_version_valid: null });
      const changed = await asAdmin(h, 'PUT', `/fields/memo::text`, { data: { type: 'field', attributes: { validators: { required: {} } } } });
      expect(changed.statusCode, changed.body).toBe(200);
      expect((await get(`/items/${id}`)).json().data.meta.is_valid).toBe(false);
    });

    describe('GET /items filters', () => {
      it.each([
        ['filter[fields][title][eq]=beta', ['b']],
        ['filter[fields][title][neq]=beta', ['a', 'c', 'd']],
        ['filter[fields][title][in][]=beta&filter[fields][title][in][]=Gamma', ['b', 'c']],
        ['filter[fields][title][not_in]=beta,Gamma', ['a', 'd']],
        ['filter[fields][title][matches][pattern]=ALPHA', ['a']],
        ['filter[fields][title][matches][pattern]=ALPHA&filter[fields][title][matches][case_sensitive]=true', []],
        ['filter[fields][title][not_matches][pattern]=a', ['d']],
        ['filter[fields][title][is_blank]=true', ['d']],
        ['filter[fields][title][is_present]=true', ['a', 'b', 'c']],
        ['filter[fields][body][matches][pattern]=story', ['a']],
        ['filter[fields][body][exists]=false', ['c', 'd']],
        ['filter[fields][slug][in]=alpha,gamma', ['a', 'c']],
        ['filter[fields][views][gt]=10', ['b', 'c']],
        ['filter[fields][views][lte]=20', ['a', 'b']],
        ['filter[fields][views][eq]=30', ['c']],
        ['filter[fields][views][exists]=false', ['d']],
        ['filter[fields][rating][gte]=2', ['b']],
        ['filter[fields][featured][eq]=true', ['a', 'c']],
        ['filter[fields][day][lt]=2026-02-15', ['a', 'b']],
        ['filter[fields][at][gt]=2026-01-01T11:00:00%2B01:00', ['b']],
        ['filter[fields][extra][exists]=true', ['a']],
        ['filter[fields][_status][eq]=published', ['a', 'c']],
        ['filter[fields][_status][notIn][]=published', ['b', 'd']],
      ] as const)('%s', async (query, expected) => {
        expect(await ids(query)).toEqual(names(...expected));
      });

      it('filters links and link fields by their ids', async () => {
        const [ada, bob, cy] = people;
        expect(await ids(`filter[fields][author][eq]=${ada}`)).toEqual(names('a'));
        expect(await ids(`filter[fields][author][in]=${ada},${bob}`)).toEqual(names('a', 'b'));
        expect(await ids(`filter[fields][author][exists]=false`)).toEqual(names('c', 'd'));
        expect(await ids(`filter[fields][tags][any_in][]=${cy}`)).toEqual(names('c'));
        expect(await ids(`filter[fields][tags][all_in][]=${ada}&filter[fields][tags][all_in][]=${bob}`)).toEqual(names('a', 'c'));
        expect(await ids(`filter[fields][tags][not_in][]=${ada}`)).toEqual(names('b', 'd'));
        // `eq` on a links value is the same list: the same records in the same order (as the delivery API has it).
        expect(await ids(`filter[fields][tags][eq][]=${ada}&filter[fields][tags][eq][]=${bob}`)).toEqual(names('a'));
        expect(await ids(`filter[fields][tags][eq][]=${bob}&filter[fields][tags][eq][]=${ada}`)).toEqual([]);
      });

      it('filters on meta fields: id, timestamps, parent and position', async () => {
        expect(await ids(`filter[fields][id][in]=${rows.a},${rows.c}`)).toEqual(names('a', 'c'));
        expect(await ids(`filter[fields][id][notIn]=${rows.a}`)).toEqual(names('b', 'c', 'd'));
        const createdB = (await get(`/items/${rows.b}`)).json().data.meta.created_at as string;
        expect(await ids(`filter[fields][_created_at][gt]=${encodeURIComponent(createdB)}`)).toEqual(names('c', 'd'));
        expect(await ids('filter[fields][_first_published_at][exists]=true')).toEqual(names('a', 'c'));
        const root = await createItem(h, section, { name: 'root' });
        const child = await createItem(h, section, { name: 'child' }, { parentId: root });
        const res = await get(`/items?filter[type]=section&filter[fields][parent_id][eq]=${root}`);
        expect(res.json().data.map((d: { id: string }) => d.id)).toEqual([child]);
        expect(await ids('filter[fields][position][gte]=0')).toEqual(names('a', 'b', 'c', 'd'));
      });

      it('searches text across the string, text and slug fields with filter[query]', async () => {
        expect(await ids('filter[query]=STORY')).toEqual(names('a'));
        expect(await ids('filter[query]=amm')).toEqual(names('c'));
        const all = await get('/items?filter[query]=bob');
        expect(all.json().data.map((d: { id: string }) => d.id)).toEqual([people[1]]);
      });

      it('orders by fields and meta fields, several keys, records without a value last', async () => {
        expect(await ids('order_by=views_DESC')).toEqual(names('c', 'b', 'a', 'd'));
        expect(await ids('order_by=featured_DESC,views_ASC')).toEqual(names('a', 'c', 'b', 'd'));
        expect(await ids('order_by=title_ASC')).toEqual(names('a', 'c', 'b', 'd'));
        expect(await ids('order_by=_created_at_DESC')).toEqual(names('d', 'c', 'b', 'a'));
        const page = await get('/items?filter[type]=article&order_by=id_DESC&page[limit]=2');
        expect(page.json().data.map((d: { id: string }) => d.id)).toEqual(names('d', 'c'));
        expect(page.json().meta.total_count).toBe(4);
      });

      it('reads the published version with version=published', async () => {
        expect(await ids('version=published&filter[fields][title][matches][pattern]=a')).toEqual(names('a', 'c'));
      });

      it('pages and counts filtered lists', async () => {
        const res = await get('/items?filter[type]=article&filter[fields][views][exists]=true&order_by=views_ASC&page[offset]=1&page[limit]=1');
        expect(res.json().meta.total_count).toBe(3);
        expect(res.json().data.map((d: { id: string }) => d.id)).toEqual([rows.b]);
      });

      it.each([
        ['filter[fields][nope][eq]=1', 'filter[fields][nope][eq]'],
        ['filter[fields][views][matches][pattern]=1', 'filter[fields][views][matches]'],
        ['filter[fields][views][gt]=ten', 'filter[fields][views][gt]'],
        ['filter[fields][at][gt]=yesterday', 'filter[fields][at][gt]'],
        ['filter[fields][featured][eq]=yes', 'filter[fields][featured][eq]'],
        ['filter[fields][_status][eq]=gone', 'filter[fields][_status][eq]'],
        ['filter[fields][title][matches][pattern]=a&filter[fields][title][matches][regexp]=true', 'filter[fields][title][matches][regexp]'],
        ['filter[fields][title][matches][case_sensitive]=true', 'filter[fields][title][matches][pattern]'],
        ['filter[fields][title]=x', 'filter[fields][title]'],
        ['filter[fields][title][matches]=x', 'filter[fields][title][matches]'],
        ['filter[fields][tags][any_in][]=abc', 'filter[fields][tags][any_in]'],
        ['filter[fields][title][eq]=a&filter[fields][title][eq]=b', 'filter[fields][title][eq]'],
        ['filter[fields][_is_valid][eq]=true', 'filter[fields][_is_valid][eq]'],
        ['order_by=body_sideways', 'order_by'],
        ['order_by=extra_ASC', 'order_by'],
        ['filter[whatever]=1', 'filter[whatever]'],
        ['version=draft', 'version'],
        ['page[limit]=501', 'page[limit]'],
      ] as const)('refuses %s naming the parameter', async (query, parameter) => {
        const res = await get(`/items?filter[type]=article&${query}`);
        expect(res.statusCode, res.body).toBe(400);
        expect(problem(res)).toMatchObject({ code: 'INVALID_PARAMS', details: { parameter } });
      });

      it('needs filter[type] naming one model for model fields, not for meta fields', async () => {
        const res = await get('/items?filter[fields][title][eq]=beta');
        expect(res.statusCode).toBe(400);
        expect(problem(res).details.parameter).toBe('filter[fields][title][eq]');
        expect((await get('/items?filter[type]=article,person&order_by=title_ASC')).statusCode).toBe(400);
        const meta = await get('/items?filter[type]=article,person&filter[fields][_status][eq]=draft');
        expect(meta.statusCode).toBe(200);
      });

      it('keeps what the caller may not read out of filtered pages and counts', async () => {
        const reader = await createRole(h, {
          positive_item_type_permissions: [
            { item_type: article, action: 'create' },
            { item_type: article, action: 'read', on_creator: 'self' },
          ],
        });
        const token = await createToken(h, { cma: true, role: reader });
        const own = await createItem(h, article, { title: 'mine', views: 99 }, { token: token.secret });
        expect(await ids('filter[fields][views][gt]=0', token.secret)).toEqual([own]);
        expect(await ids('filter[query]=a', token.secret)).toEqual([]);
      });
    });

    describe('bulk operations', () => {
      const bulk = (action: string, ids: string[], token = h.adminSecret) => {
        h.clock.advance(60);
        return h.request('POST', `/items/bulk/${action}`, {
          token,
          body: { data: { type: `item_bulk_${action}_operation`, relationships: { items: { data: ids.map((id) => ({ type: 'item', id })) } } } },
        });
      };
      const status = async (id: string) => (await get(`/items/${id}`)).json().data.meta.status as string;

      it('publishes as a job whose result its creator reads at /job-results/:id', async () => {
        const batch = [await createItem(h, person, { name: 'p1' }), await createItem(h, person, { name: 'p2' })];
        const res = await bulk('publish', batch);
        expect(res.statusCode, res.body).toBe(202);
        const job = res.json().data;
        expect(job.type).toBe('job');
        const result = await get(`/job-results/${job.id}`);
        expect(result.statusCode, result.body).toBe(200);
        expect(result.json().data).toEqual({
          type: 'job_result',
          id: job.id,
          attributes: { status: 200, payload: { data: [], meta: { successful: 2, failed: 0 } } },
        });
        for (const id of batch) expect(await status(id)).toBe('published');
        const audit = await get('/audit_log_events?page[limit]=100');
        expect(audit.statusCode, audit.body).toBe(200);
        const subjects = audit
          .json()
          .data.filter((e: { attributes: { action: string } }) => e.attributes.action === 'item.publish')
          .map((e: { attributes: { subject_id: string } }) => e.attributes.subject_id);
        for (const id of batch) expect(subjects).toContain(id);
        // Someone else's job result is nobody else's business.
        const other = await createToken(h, { cma: true });
        expect((await get(`/job-results/${job.id}`, other.secret)).statusCode).toBe(404);
        expect((await get('/job-results/unknown-job')).statusCode).toBe(404);
        // Results expire.
        h.clock.advance(2 * 60 * 60_000);
        expect((await get(`/job-results/${job.id}`)).statusCode).toBe(404);
      });

      it('unpublishes and destroys, a parent together with its children', async () => {
        const root = await createItem(h, section, { name: 'r' }, { publish: true });
        const child = await createItem(h, section, { name: 'c' }, { parentId: root, publish: true });
        expect((await bulk('unpublish', [root, child])).statusCode).toBe(202);
        expect(await status(root)).toBe('draft');
        const before = (await get('/items?filter[type]=section')).json().meta.total_count as number;
        const alone = await bulk('destroy', [root]);
        expect(alone.statusCode).toBe(422);
        expect(problem(alone)).toMatchObject({ code: 'DELETE_RESTRICTION', details: { item_id: root } });
        expect((await bulk('destroy', [root, child])).statusCode).toBe(202);
        expect((await get(`/items/${child}`)).statusCode).toBe(404);
        expect((await get('/items?filter[type]=section')).json().meta.total_count).toBe(before - 2);
      });

      it('changes nothing when the caller may not act on one of the records', async () => {
        const publisher = await createRole(h, { positive_item_type_permissions: [{ item_type: person, action: 'all' }] });
        const token = await createToken(h, { cma: true, role: publisher });
        const mine = await createItem(h, person, { name: 'ok' });
        const theirs = await createItem(h, article, { title: 'not yours' });
        const res = await bulk('publish', [mine, theirs], token.secret);
        expect(res.statusCode).toBe(403);
        expect(problem(res)).toMatchObject({ code: 'INSUFFICIENT_PERMISSIONS', details: { item_id: theirs } });
        expect(await status(mine)).toBe('draft');
        expect(await status(theirs)).toBe('draft');
        const destroy = await bulk('destroy', [mine, theirs], token.secret);
        expect(destroy.statusCode).toBe(403);
        expect((await get(`/items/${mine}`)).statusCode).toBe(200);
      });

      it('changes nothing when one record lies outside a root-node-scoped token\u2019s subtrees', async () => {
        const inside = await createItem(h, section, { name: 'inside' });
        const outside = await createItem(h, section, { name: 'outside' });
        const mine = await createItem(h, person, { name: 'in scope' }, { parentId: inside });
        const theirs = await createItem(h, person, { name: 'out of scope' }, { parentId: outside });
        const scoped = await createToken(h, { cma: true, rootNodes: [inside] });
        const res = await bulk('publish', [mine, theirs], scoped.secret);
        expect(res.statusCode).toBe(403);
        expect(problem(res)).toMatchObject({ code: 'INSUFFICIENT_PERMISSIONS', details: { layer: 'scope', item_id: theirs } });
        expect(await status(mine)).toBe('draft');
        expect(await status(theirs)).toBe('draft');
        expect((await bulk('publish', [mine], scoped.secret)).statusCode).toBe(202);
        expect(await status(mine)).toBe('published');
      });

      it('refuses more than 200 records, none, unknown ones and malformed bodies', async () => {
        const many = Array.from({ length: 201 }, (_, i) => String(i + 1));
        const tooMany = await bulk('publish', many);
        expect(tooMany.statusCode).toBe(422);
        expect(problem(tooMany)).toMatchObject({ code: 'INVALID_FIELD', details: { field: 'items' } });
        expect((await bulk('publish', [])).statusCode).toBe(422);
        const unknown = await bulk('publish', ['999999']);
        expect(unknown.statusCode).toBe(404);
        expect(problem(unknown).details.item_id).toBe('999999');
        h.clock.advance(60);
        const wrongType = await h.request('POST', '/items/bulk/publish', {
          token: h.adminSecret,
          body: { data: { type: 'item_bulk_destroy_operation', relationships: { items: { data: [] } } } },
        });
        expect(wrongType.statusCode).toBe(422);
        expect(problem(wrongType).code).toBe('INVALID_FORMAT');
      });
    });

    describe('references', () => {
      it('lists the records linking to a record, under the caller\u2019s read rule and version', async () => {
        const [ada, , cy] = people;
        const res = await get(`/items/${ada}/references`);
        expect(res.statusCode, res.body).toBe(200);
        expect(res.json().data.map((d: { id: string }) => d.id)).toEqual(names('a', 'c'));
        const published = await get(`/items/${cy}/references?version=published`);
        expect(published.json().data.map((d: { id: string }) => d.id)).toEqual(names('c'));
        const either = await get(`/items/${people[1]}/references?version=published-or-current`);
        expect(either.json().data.map((d: { id: string }) => d.id)).toEqual(names('a', 'b', 'c'));
        expect((await get(`/items/${ada}/references?version=draft`)).statusCode).toBe(400);
        expect((await get('/items/999999/references')).statusCode).toBe(404);
      });

      it('leaves out referring records outside a root-node-scoped token\u2019s subtrees', async () => {
        const inside = await createItem(h, section, { name: 'inside' });
        const outside = await createItem(h, section, { name: 'outside' });
        const target = await createItem(h, person, { name: 'target' }, { parentId: inside });
        const near = await createItem(h, article, { title: 'near', author: target }, { parentId: inside });
        const far = await createItem(h, article, { title: 'far', tags: [target] }, { parentId: outside });
        expect((await get(`/items/${target}/references`)).json().data.map((d: { id: string }) => d.id)).toEqual([near, far]);
        const scoped = await createToken(h, { cma: true, rootNodes: [inside] });
        const res = await get(`/items/${target}/references`, scoped.secret);
        expect(res.statusCode, res.body).toBe(200);
        expect(res.json().data.map((d: { id: string }) => d.id)).toEqual([near]);
        const elsewhere = await createToken(h, { cma: true, rootNodes: [outside] });
        expect((await get(`/items/${target}/references`, elsewhere.secret)).statusCode).toBe(403);
      });

      it('leaves out referring records the caller may not read', async () => {
        const role = await createRole(h, { positive_item_type_permissions: [{ item_type: person, action: 'read' }] });
        const token = await createToken(h, { cma: true, role });
        const res = await get(`/items/${people[0]}/references`, token.secret);
        expect(res.statusCode).toBe(200);
        expect(res.json().data).toEqual([]);
        const outsider = await createToken(h, {
          cma: true,
          role: await createRole(h, { positive_item_type_permissions: [{ item_type: article, action: 'read' }] }),
        });
        const refused = await get(`/items/${people[0]}/references`, outsider.secret);
        expect(refused.statusCode).toBe(403);
      });
    });
  });
}
