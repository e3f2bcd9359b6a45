/**
 * Traversals cost a query per level, not a query per record: `children`, `parent` and links asked
 * for within one tick (as graphql-js resolves the fields of a list) are loaded with one search,
 * still filtered by the caller's read rule.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDeliveryReader } from '../../src/core/content/delivery.ts';
import type { Item } from '../../src/core/content/model.ts';
import type { Store } from '../../src/core/ports.ts';
import { openStore } from '../../src/store/database.ts';
import type { SqlStore } from '../../src/store/sql-store.ts';
import { DIALECTS, createTestDatabase, type TestDatabase } from '../support/databases.ts';
import { principal } from '../support/principals.ts';
import { fieldDef, storeModel } from '../support/models.ts';

const NOW = '2026-11-18T10:00:00.000Z';
const owner = { type: 'account', id: 'owner' } as const;

for (const dialect of DIALECTS) {
  describe(`${dialect}: batched traversals`, () => {
    let db: TestDatabase;
    let store: SqlStore;
    let sections: Item[];
    let hidden: Item;
    const searches: unknown[] = [];
    let counted: Store;

    beforeAll(async () => {
      db = await createTestDatabase(dialect);
      store = await openStore(db.target);
      const page = await storeModel(store, { name: 'Page', apiKey: 'page', fields: [fieldDef('see', 'link', { label: 'See' })], tree: true }, NOW);
      const site = await store.createItem({ itemTypeId: page.id, parentId: null, position: 0, current: {}, creator: owner, createdAt: NOW });
      const publish = async (item: Item) =>
        (await store.updateItem(item.id, { published: item.current, status: 'published', publishedAt: NOW, updatedAt: NOW }))!;
      await publish(site);
      // A draft the published reader may not see, linked to from every section.
      hidden = await store.createItem({ itemTypeId: page.id, parentId: site.id, position: 99, current: {}, creator: owner, createdAt: NOW });
      sections = [];
      for (let i = 0; i < 12; i++) {
        const section = await publish(
          await store.createItem({
            itemTypeId: page.id,
            parentId: site.id,
            position: i,
            current: { see: i % 2 === 0 ? site.id : hidden.id },
            creator: owner,
            createdAt: NOW,
          }),
        );
        sections.push(section);
        for (let j = 0; j < 3; j++)
          await publish(await store.createItem({ itemTypeId: page.id, parentId: section.id, position: 3 - j, current: {}, creator: owner, createdAt: NOW }));
      }
      counted = new Proxy(store, {
        get(target, key, receiver) {
          if (key === 'searchItems')
            return (search: unknown) => {
              searches.push(search);
              return target.searchItems(search as never);
            };
          return Reflect.get(target, key, receiver) as unknown;
        },
      });
    });
    afterAll(async () => {
      await store?.close();
      await db?.drop();
    });

    it('loads the children of a page of records with one search, each list in position order', async () => {
      const reader = createDeliveryReader(counted, principal(), false);
      searches.length = 0;
      const lists = await Promise.all(sections.map((s) => reader.children(s.id)));
      expect(searches).toHaveLength(1);
      for (const list of lists) {
        expect(list).toHaveLength(3);
        expect(list.map((r) => r.item.position)).toEqual([1, 2, 3]);
      }
    });

    it('loads links and parents with one search, leaving out what the reader may not read', async () => {
      const reader = createDeliveryReader(counted, principal(), false);
      searches.length = 0;
      const links = await Promise.all(sections.map((s) => reader.related((s.current.see as string) ?? null)));
      expect(searches).toHaveLength(1);
      const grandchildren = (await Promise.all(sections.map((s) => reader.children(s.id)))).flat();
      searches.length = 0;
      const up = await Promise.all(grandchildren.map((r) => reader.related(r.item.parentId)));
      expect(searches).toHaveLength(1);
      expect(up.map((r) => r?.item.id)).toEqual(grandchildren.map((r) => r.item.parentId));
      expect(links.map((r) => r?.item.id ?? null)).toEqual(sections.map((s, i) => (i % 2 === 0 ? s.parentId : null)));
      const drafts = createDeliveryReader(counted, principal(), true);
      expect((await drafts.related(hidden.id))?.item.id).toBe(hidden.id);
    });
  });
}
