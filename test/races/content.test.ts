/**
 * Concurrent writes on records and models: every answer a 2xx or a documented 4xx, and a final
 * state one serial order would give: no record under a deleted parent, every path equal to its
 * parent's path plus its own id, no cycle, no record whose model is gone.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../support/databases.ts';
import { created, expectConsistentTree, expectOnly, race, send, startPair, TRIALS, type Pair } from './instances.ts';

/** A fresh api_key word: snake_case words are letters only. */
const letters = (): string => Array.from({ length: 10 }, () => String.fromCharCode(97 + Math.floor(Math.random() * 26))).join('');

describe.each(DIALECTS)('%s: content write races', (dialect) => {
  let pair: Pair;
  let model: string;

  const itemTypeDocument = (apiKey: string, attributes: Record<string, unknown> = {}, id?: string) => ({
    data: {
      type: 'item_type',
      ...(id ? { id } : {}),
      attributes: { name: apiKey, api_key: apiKey, fields: [{ api_key: 'title', field_type: 'string' }], tree: true, draft_mode_active: true, ...attributes },
    },
  });
  const itemDocument = (itemType: string, attributes: Record<string, unknown>) => ({
    data: { type: 'item', attributes, relationships: { item_type: { data: { type: 'item_type', id: itemType } } } },
  });
  const createItem = async (title: string, parentId?: string) =>
    created(await send(pair.a, 'POST', '/items', itemDocument(model, { title, ...(parentId ? { parent_id: parentId } : {}) }))).id;
  const update = (h: Pair['a'], id: string, attributes: Record<string, unknown>) => send(h, 'PUT', `/items/${id}`, { data: { type: 'item', id, attributes } });

  beforeAll(async () => {
    pair = await startPair(dialect);
    model = created(await send(pair.a, 'POST', '/item-types', itemTypeDocument('page'))).id;
  });
  afterAll(async () => pair?.close());

  it('update × update of one record: both 200, one of the two values stays', async () => {
    for (let trial = 0; trial < TRIALS; trial++) {
      const id = await createItem('start');
      const answers = await race(
        () => update(pair.a, id, { title: 'left' }),
        () => update(pair.b, id, { title: 'right' }),
      );
      for (const res of answers) expect(res.statusCode, res.body).toBe(200);
      expect(['left', 'right']).toContain((await pair.a.runtime.store.findItem(id))?.current.title);
    }
  });

  it('update × update naming the same version: exactly one wins, the other is stale and wrote nothing', async () => {
    for (let trial = 0; trial < TRIALS; trial++) {
      const id = await createItem('start');
      const version = String((await pair.a.runtime.store.findItem(id))!.version);
      const write = (h: Pair['a'], title: string) =>
        send(h, 'PUT', `/items/${id}`, { data: { type: 'item', id, attributes: { title }, meta: { current_version: version } } });
      const answers = await race(
        () => write(pair.a, 'left'),
        () => write(pair.b, 'right'),
      );
      const winners = answers.filter((res) => res.statusCode === 200);
      expect(winners, answers.map((r) => r.body).join('\n')).toHaveLength(1);
      const loser = answers.find((res) => res.statusCode !== 200)!;
      expectOnly(loser, ['422 STALE_ITEM_VERSION']);
      const item = await pair.a.runtime.store.findItem(id);
      expect(item?.current.title).toBe(winners[0]!.json().data.attributes.title);
      expect(item?.version).toBe(Number(version) + 1);
    }
  });

  it('bulk publish × bulk destroy of the same records: all published then gone, or gone and the publish 404', async () => {
    for (let trial = 0; trial < TRIALS; trial++) {
      const ids = [await createItem('one'), await createItem('two')];
      const body = (action: string) => ({
        data: { type: `item_bulk_${action}_operation`, relationships: { items: { data: ids.map((id) => ({ type: 'item', id })) } } },
      });
      const [published, destroyed] = await race(
        () => send(pair.a, 'POST', '/items/bulk/publish', body('publish')),
        () => send(pair.b, 'POST', '/items/bulk/destroy', body('destroy')),
      );
      expect(destroyed.statusCode, destroyed.body).toBe(202);
      if (published.statusCode !== 202) expectOnly(published, ['404 NOT_FOUND']);
      for (const id of ids) expect(await pair.a.runtime.store.findItem(id)).toBeNull();
    }
  });

  it('delete × update of one record: the record is gone, the update 200 or 404', async () => {
    for (let trial = 0; trial < TRIALS; trial++) {
      const id = await createItem('doomed');
      const [deleted, updated] = await race(
        () => send(pair.a, 'DELETE', `/items/${id}`),
        () => update(pair.b, id, { title: 'late' }),
      );
      expect(deleted.statusCode, deleted.body).toBe(200);
      expectOnly(updated, ['404 NOT_FOUND']);
      expect(await pair.a.runtime.store.findItem(id)).toBeNull();
    }
  });

  it('publish × update: the status always matches the two versions', async () => {
    for (let trial = 0; trial < TRIALS; trial++) {
      const id = await createItem('draft');
      const answers = await race(
        () => send(pair.a, 'PUT', `/items/${id}/publish`),
        () => update(pair.b, id, { title: 'edited' }),
      );
      for (const res of answers) expect(res.statusCode, res.body).toBe(200);
      const item = await pair.a.runtime.store.findItem(id);
      expect(item?.current.title).toBe('edited');
      // Publish first: the edit makes it `updated` over the old published values; edit first: both versions match.
      if (item?.status === 'published') expect(item.published).toEqual(item.current);
      else expect(item).toMatchObject({ status: 'updated', published: { title: 'draft' } });
    }
  });

  it('creating a child × deleting its parent: never a child under a deleted parent', async () => {
    for (let trial = 0; trial < TRIALS; trial++) {
      const parent = await createItem('parent');
      const [child, deleted] = await race(
        () => send(pair.a, 'POST', '/items', itemDocument(model, { title: 'child', parent_id: parent })),
        () => send(pair.b, 'DELETE', `/items/${parent}`),
      );
      expectOnly(child, ['422 INVALID_FIELD']);
      expectOnly(deleted, ['422 DELETE_RESTRICTION']);
      expect((child.statusCode === 201) !== (deleted.statusCode === 200), `${child.body}\n${deleted.body}`).toBe(true);
    }
    await expectConsistentTree(pair.a.runtime.store);
  });

  it('moving A under B × moving B under A: never a cycle, every path consistent', async () => {
    for (let trial = 0; trial < TRIALS; trial++) {
      const root = await createItem('root');
      const [x, y] = [await createItem('x', root), await createItem('y', root)];
      await createItem('x child', x);
      const answers = await race(
        () => update(pair.a, x, { parent_id: y }),
        () => update(pair.b, y, { parent_id: x }),
      );
      for (const res of answers) expectOnly(res, ['422 INVALID_FIELD']);
      expect(answers.filter((res) => res.statusCode === 200).length, `${answers[0].body}\n${answers[1].body}`).toBeGreaterThanOrEqual(1);
    }
    await expectConsistentTree(pair.a.runtime.store);
  });

  it('update × update of one model, and two models claiming one api_key', async () => {
    for (let trial = 0; trial < TRIALS; trial++) {
      const apiKey = `model_${letters()}`;
      const id = created(await send(pair.a, 'POST', '/item-types', itemTypeDocument(apiKey))).id;
      const answers = await race(
        () => send(pair.a, 'PUT', `/item-types/${id}`, { data: { type: 'item_type', id, attributes: { name: 'Left' } } }),
        () => send(pair.b, 'PUT', `/item-types/${id}`, { data: { type: 'item_type', id, attributes: { name: 'Right' } } }),
      );
      for (const res of answers) expect(res.statusCode, res.body).toBe(200);
      expect(['Left', 'Right']).toContain((await pair.a.runtime.store.findItemType(id))?.name);

      const twin = `${apiKey}_twin`;
      const twins = await race(
        () => send(pair.a, 'POST', '/item-types', itemTypeDocument(twin)),
        () => send(pair.b, 'POST', '/item-types', itemTypeDocument(twin)),
      );
      for (const res of twins) expectOnly(res, ['422 INVALID_FIELD']);
      expect(twins.map((res) => res.statusCode).sort()).toEqual([201, 422]);
    }
  });

  it('deleting a model × creating a record of it: never a record without its model', async () => {
    for (let trial = 0; trial < TRIALS; trial++) {
      const apiKey = `gone_${letters()}`;
      const id = created(await send(pair.a, 'POST', '/item-types', itemTypeDocument(apiKey))).id;
      const [deleted, record] = await race(
        () => send(pair.a, 'DELETE', `/item-types/${id}`),
        () => send(pair.b, 'POST', '/items', itemDocument(id, { title: 't' })),
      );
      expectOnly(deleted, ['422 DELETE_RESTRICTION']);
      expectOnly(record, ['422 INVALID_RELATIONSHIP']);
      expect((deleted.statusCode === 200) !== (record.statusCode === 201), `${deleted.body}\n${record.body}`).toBe(true);
    }
  });
});
