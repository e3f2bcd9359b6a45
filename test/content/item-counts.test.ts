/**
 * Per-model record counters (migration 005): which counts may read them (a pure decision on the
 * read rule and the search), and that they equal `count(*)` after any sequence of writes, after a
 * rolled-back write, after a migration backfill, and under concurrent writers. On every dialect.
 */
import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { afterEdit, published, unpublished } from '../../src/core/content/lifecycle.ts';
import type { Item } from '../../src/core/content/model.ts';
import { modelCounters, type ItemSearch } from '../../src/core/content/query.ts';
import { ALL, and, not, or, readRule, type ReadRule } from '../../src/core/content/read-rule.ts';
import { migrate, openStore } from '../../src/store/database.ts';
import { countQuery } from '../../src/store/item-search.ts';
import { ChangeBus } from '../../src/core/changes.ts';
import { migrationProvider } from '../../src/store/migrations/index.ts';
import { createContext } from '../../src/store/sql-context.ts';
import type { SqlStore } from '../../src/store/sql-store.ts';
import { DIALECTS, createTestDatabase, type TestDatabase } from '../support/databases.ts';
import { principal, roleAttributes } from '../support/principals.ts';
import { itemTypeInput } from '../../src/core/content/item-types.ts';

const NOW = '2026-12-01T10:00:00.000Z';
const type = (...ids: string[]): ReadRule => ({ kind: 'itemTypeIn', ids });
const self: ReadRule = { kind: 'creatorIs', creators: [{ type: 'access_token', id: '9' }] };
const PUBLISHED: ReadRule = { kind: 'hasPublished' };
const search = (rule: ReadRule, extra: Partial<ItemSearch> = {}): ItemSearch => ({ rule, version: 'published', itemTypeIds: ['1'], ...extra });

describe('which counts the counters answer', () => {
  it('whole models the rule admits whole, by their published records, or not at all', () => {
    expect(modelCounters(search(ALL))).toEqual({ total: ['1'], published: [] });
    expect(modelCounters(search(PUBLISHED, { itemTypeIds: ['1', '2', '1'] }))).toEqual({ total: [], published: ['1', '2'] });
    expect(modelCounters(search(and(type('1'), PUBLISHED), { itemTypeIds: ['1', '2'] }))).toEqual({ total: [], published: ['1'] });
    // A search of every model covers the models there are.
    expect(modelCounters({ rule: and(or(type('1'), type('3')), PUBLISHED), version: 'published' }, ['1', '2', '3'])).toEqual({
      total: [],
      published: ['1', '3'],
    });
    // A negative entry (or an on_creator condition) on another model does not concern this one.
    expect(modelCounters(search(and(type('1'), not(and(type('2'), self)))))).toEqual({ total: ['1'], published: [] });
    expect(modelCounters(search(or(type('1'), and(type('2'), self))))).toEqual({ total: ['1'], published: [] });
  });

  it('leaves every other count to the rows', () => {
    const scoped: ReadRule = { kind: 'withinRoots', rootIds: ['5'] };
    // The scope mixed with anything but the published condition (see subtree-counts.test.ts).
    expect(modelCounters(search(and(scoped, self)))).toBeNull();
    expect(modelCounters(search(or(scoped, PUBLISHED)))).toBeNull();
    expect(modelCounters(search(and(type('1'), self)))).toBeNull();
    expect(modelCounters(search(and(type('1'), not(and(type('1'), self)))))).toBeNull();
    expect(modelCounters(search(and(type('1'), { kind: 'creatorRoleIs', roleId: '3' })))).toBeNull();
    // Another model's condition counts the rows as soon as that model is in the count.
    expect(modelCounters(search(or(type('1'), and(type('2'), self)), { itemTypeIds: ['1', '2'] }))).toBeNull();
    const title = { kind: 'field', apiKey: 'title', fieldType: 'string' } as const;
    expect(modelCounters(search(ALL, { where: { kind: 'test', ref: title, op: 'eq', arg: 'x' } }))).toBeNull();
    expect(modelCounters(search(ALL, { ids: ['4'] }))).toBeNull();
    expect(modelCounters(search(ALL, { parentIds: [null] }))).toBeNull();
    expect(modelCounters({ rule: ALL, version: 'current' })).toBeNull();
    expect(modelCounters({ rule: ALL, version: 'current', ids: ['4'] }, ['1', '2'])).toBeNull();
    // A condition whose arguments are all null keeps every record, as in DatoCMS.
    expect(modelCounters(search(ALL, { where: { kind: 'and', conditions: [{ kind: 'test', ref: title, op: 'eq', arg: null }] } }))).toEqual({
      total: ['1'],
      published: [],
    });
  });

  it('follows the read rule of real principals', () => {
    const admin = principal({ permissions: ['*'] });
    const scoped = principal({ permissions: ['*'], rootNodeIds: ['5'] });
    const own = principal(
      { permissions: ['*'] },
      { attributes: roleAttributes({ positive_item_type_permissions: [{ item_type: '1', action: 'all', on_creator: 'self' }] }) },
    );
    expect(modelCounters(search(readRule(admin, 'cda.query', { version: 'published' })))).toEqual({ total: [], published: ['1'] });
    expect(modelCounters(search(readRule(admin, 'items.list', { version: 'current' }), { version: 'current' }))).toEqual({ total: ['1'], published: [] });
    expect(modelCounters(search(readRule(scoped, 'cda.query', { version: 'published' })))).toEqual({
      total: [],
      published: [],
      subtrees: [{ itemTypeId: '1', rootIds: ['5'], published: true }],
    });
    expect(modelCounters(search(readRule(own, 'items.list', { version: 'current' })))).toBeNull();
    // That principal reads nothing of model 2: the count is known to be 0 without the rows.
    expect(modelCounters(search(readRule(own, 'items.list', { version: 'current' }), { itemTypeIds: ['2'] }))).toEqual({ total: [], published: [] });
  });
});

const opArb = fc.oneof(
  // `live`: created published, as in a model without draft mode.
  fc.record({ op: fc.constant('create' as const), model: fc.nat(1), parent: fc.option(fc.nat(), { nil: null }), live: fc.boolean() }),
  fc.record({ op: fc.constantFrom('publish' as const, 'unpublish' as const, 'edit' as const, 'delete' as const, 'move' as const), pick: fc.nat() }),
);

for (const dialect of DIALECTS) {
  describe(`${dialect}: the counters equal count(*)`, () => {
    let db: TestDatabase;
    let store: SqlStore;

    beforeAll(async () => {
      db = await createTestDatabase(dialect);
      store = await openStore(db.target);
    });
    afterAll(async () => {
      await store?.close();
      await db?.drop();
    });

    /** Each model's counters, next to what counting its rows says. */
    async function compare(typeIds: string[]): Promise<void> {
      for (const id of typeIds) {
        for (const version of ['current', 'published'] as const) {
          const rule = version === 'published' ? PUBLISHED : ALL;
          const exact = Number(
            (await (await countQuery(createContext(store.db, store.dialect, new ChangeBus(), null), { rule, version, itemTypeIds: [id] })).executeTakeFirst())
              ?.n ?? 0,
          );
          expect(await store.countSearch({ rule, version, itemTypeIds: [id] })).toBe(exact);
        }
      }
      // Every model at once, as the CMA's `GET /items` without `filter[type]` counts.
      for (const rule of [ALL, PUBLISHED]) {
        const exact = Number(
          (await (await countQuery(createContext(store.db, store.dialect, new ChangeBus(), null), { rule, version: 'current' })).executeTakeFirst())?.n ?? 0,
        );
        expect(await store.countSearch({ rule, version: 'current' })).toBe(exact);
      }
      const rows = await store.db.selectFrom('item_counts').selectAll().where('item_type_id', 'in', typeIds.map(Number)).execute();
      expect(rows).toHaveLength(typeIds.length);
    }

    const newType = async (name: string, tree: boolean) => (await store.createItemType(itemTypeInput({ name, apiKey: name, tree }), NOW)).id;
    const newItem = (itemTypeId: string, parentId: string | null, published = false) =>
      store.createItem({ itemTypeId, parentId, position: 0, current: { v: 1 }, creator: { type: 'account', id: 'owner' }, createdAt: NOW, published });

    it('after random sequences of creates, publishes, unpublishes, edits, moves and deletes', async () => {
      let run = 0;
      const seen = { deletes: 0, published: 0 };
      await fc.assert(
        fc.asyncProperty(fc.array(opArb, { minLength: 1, maxLength: 25 }), async (ops) => {
          run++;
          const typeIds = [await newType(`tree${run}`, true), await newType(`flat${run}`, false)];
          const items: Item[] = [];
          const at = (pick: number) => items[pick % items.length];
          for (const op of ops) {
            if (op.op === 'create') {
              const parents = items.filter((i) => i.itemTypeId === typeIds[0]);
              const parent = op.parent === null || parents.length === 0 ? null : parents[op.parent % parents.length]!.id;
              items.push(await newItem(typeIds[op.model]!, parent, op.live));
              continue;
            }
            const item = at(op.pick);
            if (!item) continue;
            const index = items.indexOf(item);
            if (op.op === 'delete') {
              // A record with children cannot go (as the API refuses it); the store's own refusal is not at issue here.
              if (items.some((i) => i.parentId === item.id)) continue;
              expect(await store.deleteItem(item.id)).toBe(true);
              items.splice(index, 1);
              seen.deletes++;
              continue;
            }
            const patch =
              op.op === 'publish'
                ? published(item, NOW)
                : op.op === 'unpublish'
                  ? unpublished(item)
                  : op.op === 'edit'
                    ? afterEdit(item, { v: Math.random() })
                    : { parentId: null };
            const updated = (await store.updateItem(item.id, { ...patch, updatedAt: NOW }))!;
            items[index] = updated;
            if (updated.published !== null) seen.published++;
          }
          await compare(typeIds);
        }),
        { numRuns: 15 },
      );
      // The runs did delete and publish records: the counters moved both ways.
      expect(seen.deletes).toBeGreaterThan(0);
      expect(seen.published).toBeGreaterThan(0);
    }, 60_000);

    it('after a write that rolled back, and after a model is deleted', async () => {
      const typeId = await newType('rollback', false);
      const kept = await newItem(typeId, null);
      await store.updateItem(kept.id, { ...published(kept, NOW), updatedAt: NOW });
      await expect(
        store.transaction(async (tx) => {
          const item = await tx.createItem({
            itemTypeId: typeId,
            parentId: null,
            position: 0,
            current: {},
            creator: { type: 'account', id: 'owner' },
            createdAt: NOW,
          });
          await tx.updateItem(item.id, { ...published(item, NOW), updatedAt: NOW });
          throw new Error('a later check refused the write');
        }),
      ).rejects.toThrow('a later check refused');
      expect(await store.countSearch({ rule: ALL, version: 'current', itemTypeIds: [typeId] })).toBe(1);
      expect(await store.countSearch({ rule: PUBLISHED, version: 'published', itemTypeIds: [typeId] })).toBe(1);
      await compare([typeId]);
      expect(await store.deleteItem(kept.id)).toBe(true);
      expect(await store.deleteItemType(typeId)).toBe(true);
      expect(await store.db.selectFrom('item_counts').selectAll().where('item_type_id', '=', Number(typeId)).execute()).toEqual([]);
    });

    it('backfilled from the rows already there by the migration', async () => {
      const typeIds = [await newType('backfill_a', false), await newType('backfill_b', false)];
      for (let i = 0; i < 7; i++) {
        const item = await newItem(typeIds[i % 2]!, null);
        if (i % 3 === 0) await store.updateItem(item.id, { ...published(item, NOW), updatedAt: NOW });
      }
      const schema = db.target.kind === 'postgres' ? db.target.schema : undefined;
      const { Migrator } = await import('kysely');
      const migrator = new Migrator({ db: store.db, provider: migrationProvider, ...(schema ? { migrationTableSchema: schema } : {}) });
      // Back to before the counters (every later migration goes first, newest first), and up again.
      const later = Object.keys(await migrationProvider.getMigrations()).filter((name) => name > '004-content-indexes');
      expect(later.slice(0, 2)).toEqual(['005-item-counts', '006-item-subtree-counts']);
      const down = await migrator.migrateTo('004-content-indexes');
      expect(down.error).toBeUndefined();
      expect(down.results?.map((r) => r.migrationName)).toEqual([...later].reverse());
      expect(await migrate(store.db, schema)).toEqual(later);
      // Every model at once, as the CMA's `GET /items` without `filter[type]` counts.
      for (const rule of [ALL, PUBLISHED]) {
        const exact = Number(
          (await (await countQuery(createContext(store.db, store.dialect, new ChangeBus(), null), { rule, version: 'current' })).executeTakeFirst())?.n ?? 0,
        );
        expect(await store.countSearch({ rule, version: 'current' })).toBe(exact);
      }
      const rows = await store.db
        .selectFrom('item_counts')
        .select(['item_type_id', 'total', 'published'])
        .where('item_type_id', 'in', typeIds.map(Number))
        .orderBy('item_type_id')
        .execute();
      expect(rows.map((r) => [r.total, r.published])).toEqual([
        [4, 2],
        [3, 1],
      ]);
      await compare(typeIds);
    });

    if (dialect === 'postgres') {
      it('under concurrent creates, publishes and deletes', async () => {
        const typeId = await newType('concurrent', false);
        const first = await Promise.all(Array.from({ length: 24 }, () => newItem(typeId, null)));
        // Creates, publishes and deletes of one model at once: each steps the same counter row, so
        // they serialise on it; a write that keeps colliding past the retry bounds answers the
        // documented 409 CONFLICT having changed nothing. Whatever went through, the counters
        // must equal the rows.
        const settled = await Promise.allSettled([
          ...Array.from({ length: 24 }, () => newItem(typeId, null)),
          ...first.slice(0, 12).map((item) => store.updateItem(item.id, { ...published(item, NOW), updatedAt: NOW })),
          ...first.slice(12).map((item) => store.deleteItem(item.id)),
        ]);
        for (const result of settled) {
          if (result.status === 'rejected') expect((result.reason as { code?: unknown }).code).toBe('CONFLICT');
        }
        expect(settled.filter((r) => r.status === 'fulfilled').length).toBeGreaterThan(0);
        const exact = await sql<{
          total: string;
          published: string;
        }>`select count(*) as total, count(published) as published from items where item_type_id = ${Number(typeId)}`.execute(store.db);
        const created = settled.slice(0, 24).filter((r) => r.status === 'fulfilled').length;
        const publishedNow = settled.slice(24, 36).filter((r) => r.status === 'fulfilled').length;
        const deleted = settled.slice(36).filter((r) => r.status === 'fulfilled').length;
        expect(exact.rows[0]).toEqual({ total: String(24 + created - deleted), published: String(publishedNow) });
        await compare([typeId]);
      }, 60_000);
    }
  });
}
