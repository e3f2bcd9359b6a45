/**
 * The audit log's scope filter (events of records inside a token's root nodes) finds those records
 * by a range on the path index, as content reads do, never by a `LIKE '%/k/%'` that reads every
 * item; and it finds exactly the subtree.
 */
import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openKysely, openStore } from '../../src/store/database.ts';
import { itemsWithin } from '../../src/store/sql-audit.ts';
import type { Database } from '../../src/store/schema.ts';
import { DIALECTS, createTestDatabase, type TestDatabase } from '../support/databases.ts';
import { queryPlan } from '../support/query-plan.ts';

const NOW = '2026-11-18T10:00:00.000Z';
const RECORDS = 2_000;

for (const dialect of DIALECTS) {
  describe(`${dialect}: audit scope by path range`, () => {
    let target: TestDatabase;
    let db: Kysely<Database>;

    beforeAll(async () => {
      target = await createTestDatabase(dialect);
      await (await openStore(target.target)).close();
      db = openKysely(target.target);
      const type = (
        await db
          .insertInto('item_types')
          .values({ name: 'page', api_key: 'page', tree: 1, created_at: NOW, updated_at: NOW })
          .returning('id')
          .executeTakeFirstOrThrow()
      ).id;
      const row = (id: number, parent: number | null, path: string) => ({
        id,
        item_type_id: type,
        parent_id: parent,
        position: id,
        path,
        current: '{}',
        published: null,
        status: 'draft',
        creator_type: 'access_token',
        creator_id: '1',
        created_at: NOW,
        updated_at: NOW,
        published_at: null,
      });
      // One website, sections 2–11 (section 7's sibling 70 would share a naive prefix), records below.
      const rows = [row(1, null, '/1/')];
      for (let s = 2; s <= 11; s++) rows.push(row(s, 1, `/1/${s}/`));
      rows.push(row(70, 1, '/1/70/'));
      for (let id = 100; id < 100 + RECORDS; id++) {
        const parent = id % 3 === 0 ? 70 : 2 + (id % 10);
        rows.push(row(id, parent, parent === 70 ? `/1/70/${id}/` : `/1/${parent}/${id}/`));
      }
      for (let i = 0; i < rows.length; i += 500)
        await db
          .insertInto('items')
          .values(rows.slice(i, i + 500))
          .execute();
      await sql`analyze`.execute(db);
    }, 60_000);
    afterAll(async () => {
      await db?.destroy();
      await target?.drop();
    });

    const plan = (query: Parameters<typeof queryPlan>[2]) => queryPlan(db, dialect, query);

    it('reads the subtree through the path index', async () => {
      const query = itemsWithin(db, dialect, ['/1/7/', '/1/3/']);
      expect(query.compile().sql).not.toMatch(/like/i);
      const text = await plan(query);
      // SQLite may pick the (item_type_id, path) index with a skip-scan; either way a range on path.
      expect(text).toMatch(/items_(type_)?path/);
      expect(text).not.toMatch(/SCAN items\b(?! USING)|Seq Scan/);
    });

    it('holds exactly the subtree: the root and its descendants, not a sibling sharing the prefix', async () => {
      const ids = (await itemsWithin(db, dialect, ['/1/7/']).execute()).map((r) => Number(r.id)).sort((a, b) => a - b);
      const expected = [7, ...Array.from({ length: RECORDS }, (_, i) => 100 + i).filter((id) => id % 3 !== 0 && 2 + (id % 10) === 7)];
      expect(expected.length).toBeGreaterThan(100);
      expect(ids).toEqual(expected);
      expect(await itemsWithin(db, dialect, []).execute()).toEqual([]);
    });
  });
}
