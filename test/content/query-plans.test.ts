/**
 * The content reads can be served by the indexes of migration 004, on both databases: a model's
 * page in creation order, a record by id, the count of a model, the children of a page, a
 * root-node-scoped page (a path range, byte-wise on PostgreSQL) and an `on_creator: role` rule.
 * Checked with the databases' own plans (SQLite `EXPLAIN QUERY PLAN`, PostgreSQL `EXPLAIN` with
 * sequential scans discouraged, since on a test-sized table a scan is cheaper and would be chosen).
 */
import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { modelCounters, type ItemSearch } from '../../src/core/content/query.ts';
import { readRule } from '../../src/core/content/read-rule.ts';
import { adminRoleAttributes, finalPermissions } from '../../src/core/roles.ts';
import { openKysely } from '../../src/store/database.ts';
import { countQuery, searchQuery } from '../../src/store/item-search.ts';
import type { Database } from '../../src/store/schema.ts';
import { createContext, type SqlContext } from '../../src/store/sql-context.ts';
import { ChangeBus } from '../../src/core/changes.ts';
import { openStore } from '../../src/store/database.ts';
import { DIALECTS, createTestDatabase, type TestDatabase } from '../support/databases.ts';
import { queryPlan } from '../support/query-plan.ts';
import { principal } from '../support/principals.ts';

const NOW = '2026-11-18T10:00:00.000Z';
const RECORDS = 3_000;

for (const dialect of DIALECTS) {
  describe(`${dialect}: query plans of content reads`, () => {
    let target: TestDatabase;
    let db: Kysely<Database>;
    let ctx: SqlContext;
    let typeId: string;
    let sectionId: string;

    beforeAll(async () => {
      target = await createTestDatabase(dialect);
      await (await openStore(target.target)).close();
      db = openKysely(target.target);
      ctx = createContext(db, dialect, new ChangeBus(), null);
      const types = [];
      for (const key of ['page', 'article', 'event', 'product', 'person']) {
        types.push(
          (
            await db
              .insertInto('item_types')
              .values({ name: key, api_key: key, tree: 1, created_at: NOW, updated_at: NOW })
              .returning('id')
              .executeTakeFirstOrThrow()
          ).id,
        );
      }
      typeId = String(types[1]);
      const row = (id: number, type: number, parent: number | null, path: string) => ({
        id,
        item_type_id: type,
        parent_id: parent,
        position: id,
        path,
        current: '{}',
        published: '{}',
        status: 'published',
        creator_type: 'access_token',
        creator_id: String(id % 50),
        created_at: NOW,
        updated_at: NOW,
        published_at: NOW,
      });
      // Ten sections under one website, records of four models spread below them.
      const rows = [row(1, types[0]!, null, '/1/')];
      for (let s = 2; s <= 11; s++) rows.push(row(s, types[0]!, 1, `/1/${s}/`));
      for (let id = 12; id <= RECORDS; id++) {
        const parent = 2 + (id % 10);
        // Four models share the records, so a model's rows are a fraction of the table.
        rows.push(row(id, types[1 + (id % 4)]!, parent, `/1/${parent}/${id}/`));
      }
      for (let i = 0; i < rows.length; i += 500)
        await db
          .insertInto('items')
          .values(rows.slice(i, i + 500))
          .execute();
      if (dialect === 'postgres') await sql`select setval(pg_get_serial_sequence('items', 'id'), ${RECORDS})`.execute(db);
      await sql`analyze`.execute(db);
      sectionId = '7';
    }, 60_000);
    afterAll(async () => {
      await db?.destroy();
      await target?.drop();
    });

    const plan = (query: Parameters<typeof queryPlan>[2]) => queryPlan(db, dialect, query);

    const everyone = readRule(principal(), 'cda.query', { version: 'published' });
    const page: ItemSearch = { rule: everyone, version: 'published', itemTypeIds: [], offset: 0, limit: 10 };

    it('pages a model in creation order by the (item_type_id, id) index and counts it by a model index', async () => {
      const search = { ...page, itemTypeIds: [typeId] };
      const pagePlan = await plan(await searchQuery(ctx, search));
      // The planner may walk the primary key in order and filter by model when the model is a
      // large share of the table; either way an index gives the order and no sort runs.
      expect(pagePlan).toMatch(/items_(published_)?type_id|items_pkey/);
      expect(pagePlan).not.toMatch(/TEMP B-TREE|Sort|SCAN items|Seq Scan/);
      // The store answers this count from the model's counters (migration 005); the rows' count,
      // which a filtered count still runs, is served by a model index.
      expect(modelCounters(search)).toEqual({ total: [], published: [typeId] });
      expect(await plan(await countQuery(ctx, search))).toMatch(/items_(published_)?type_(id|path)/);
    });

    it('finds a record by id through an index on id, not a scan', async () => {
      const text = await plan(await searchQuery(ctx, { ...page, itemTypeIds: [typeId], ids: ['1234'] }));
      expect(text).toMatch(
        dialect === 'sqlite' ? /SEARCH items USING (INTEGER PRIMARY KEY|INDEX items_type_id \(item_type_id=\? AND rowid=\?\))/ : /Index Cond: .*id = 1234/,
      );
      expect(text).not.toMatch(/SCAN items|Seq Scan/);
    });

    it("finds the newest record change (the environment's last_data_change_at) at one end of the updated_at index", async () => {
      const text = await plan({ compile: () => sql`select max(updated_at) as at from items`.compile(db) });
      expect(text).toMatch(/items_updated_at/);
      expect(text).not.toMatch(/SCAN items(?! USING)|Seq Scan/);
    });

    it('reads children through the (parent_id, position) index', async () => {
      const search: ItemSearch = {
        rule: everyone,
        version: 'published',
        parentIds: [sectionId],
        orderBy: [{ ref: { kind: 'system', name: 'position' }, direction: 'asc' }],
      };
      expect(await plan(await searchQuery(ctx, search))).toMatch(/items_parent_position/);
    });

    it('scopes to a root node with a range on the path index, never a leading %', async () => {
      const scoped = readRule(principal({ rootNodeIds: [sectionId] }), 'cda.query', { version: 'published' });
      const { itemTypeIds: _all, ...unfiltered } = page;
      const query = await countQuery(ctx, { ...unfiltered, rule: scoped });
      expect(query.compile().sql).not.toMatch(/like/i);
      // Byte-wise whatever the database's collation (a locale one may ignore the slashes).
      if (dialect === 'postgres') expect(query.compile().sql).toMatch(/path collate "C" >= \$\d+ and items\.path collate "C" < \$\d+/);
      expect(await plan(query)).toMatch(/items_(published_)?(type_)?path/);
      const ofModel = { ...page, rule: scoped, itemTypeIds: [typeId] };
      // The store answers this count from the root's subtree counters (migration 006, one row by
      // primary key); the rows' count, which a filtered scoped count still runs, is a range on an index.
      expect(modelCounters(ofModel)).toEqual({ total: [], published: [], subtrees: [{ itemTypeId: typeId, rootIds: [sectionId], published: true }] });
      expect(await plan(await countQuery(ctx, ofModel))).toMatch(/items_(published_)?type_path/);
      // A page in creation order walks the model's index in order, checking the range on the way.
      const pagePlan = await plan(await searchQuery(ctx, ofModel));
      expect(pagePlan).toMatch(/items_(published_)?type_id|items_pkey/);
      expect(pagePlan).not.toMatch(/TEMP B-TREE|Sort|SCAN items|Seq Scan/);
    });

    it('joins on_creator: role through the role indexes instead of loading tokens and users', async () => {
      const attributes = {
        ...adminRoleAttributes(),
        positive_item_type_permissions: [{ item_type: null, action: 'read', on_creator: 'role' as const }],
        negative_item_type_permissions: [],
      };
      const p = principal({ roleId: '1' }, { attributes });
      const rule = readRule({ ...p, final: finalPermissions(p.role!, () => undefined) }, 'cda.query', { version: 'published' });
      const text = await plan(await searchQuery(ctx, { ...page, itemTypeIds: [typeId], rule }));
      expect(text).toMatch(/access_tokens_role/);
      expect(text).toMatch(/users_role/);
    });
  });
}
