/**
 * Subtree counters (migration 006): which counts may read them (a pure decision on the read rule
 * and the search: the root-node scope alone, overlapping roots counted once), and that for every
 * item and model they equal what counting the subtree's rows says — after random sequences of
 * writes including moves, after a rolled-back write, after the migration's backfill, and under
 * concurrent writers. On every dialect.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { published, unpublished } from '../../src/core/content/lifecycle.ts';
import type { Item } from '../../src/core/content/model.ts';
import { modelCounters, type ItemSearch } from '../../src/core/content/query.ts';
import { and, not, or, outermostRoots, readRule, type ReadRule } from '../../src/core/content/read-rule.ts';
import { ChangeBus } from '../../src/core/changes.ts';
import { migrate, openStore } from '../../src/store/database.ts';
import { countQuery } from '../../src/store/item-search.ts';
import { migrationProvider } from '../../src/store/migrations/index.ts';
import { createContext } from '../../src/store/sql-context.ts';
import type { SqlStore } from '../../src/store/sql-store.ts';
import { DIALECTS, createTestDatabase, type TestDatabase } from '../support/databases.ts';
import { principal, roleAttributes } from '../support/principals.ts';
import { itemTypeInput } from '../../src/core/content/item-types.ts';

const NOW = '2026-12-01T10:00:00.000Z';
const type = (...ids: string[]): ReadRule => ({ kind: 'itemTypeIn', ids });
const within = (...rootIds: string[]): ReadRule => ({ kind: 'withinRoots', rootIds });
const self: ReadRule = { kind: 'creatorIs', creators: [{ type: 'access_token', id: '9' }] };
const PUBLISHED: ReadRule = { kind: 'hasPublished' };
const search = (rule: ReadRule, extra: Partial<ItemSearch> = {}): ItemSearch => ({ rule, version: 'published', itemTypeIds: ['1'], ...extra });

describe('which counts the subtree counters answer', () => {
  it('whole models within root nodes: every record, or every published one', () => {
    expect(modelCounters(search(within('5', '5')))).toEqual({ total: [], published: [], subtrees: [{ itemTypeId: '1', rootIds: ['5'], published: false }] });
    expect(modelCounters(search(and(type('1'), within('5', '6'), PUBLISHED), { itemTypeIds: ['1', '2'] }))).toEqual({
      total: [],
      published: [],
      subtrees: [{ itemTypeId: '1', rootIds: ['5', '6'], published: true }],
    });
    // A negative entry or an on_creator condition on another model does not concern this one.
    expect(modelCounters(search(and(type('1'), not(and(type('2'), self)), within('5'))))).toEqual({
      total: [],
      published: [],
      subtrees: [{ itemTypeId: '1', rootIds: ['5'], published: false }],
    });
  });

  it('leaves the scope mixed with anything else to the rows', () => {
    expect(modelCounters(search(and(within('5'), self)))).toBeNull();
    expect(modelCounters(search(and(within('5'), within('6'))))).toBeNull();
    expect(modelCounters(search(or(within('5'), PUBLISHED)))).toBeNull();
    expect(modelCounters(search(not(within('5'))))).toBeNull();
    expect(modelCounters(search(and(type('1'), not(and(type('1'), self)), within('5'))))).toBeNull();
    expect(modelCounters(search(within('5'), { parentIds: ['5'] }))).toBeNull();
    expect(modelCounters(search(within('5'), { ids: ['7'] }))).toBeNull();
  });

  it('follows the read rule of real principals', () => {
    const scoped = principal({ permissions: ['*'], rootNodeIds: ['5', '8'] });
    expect(modelCounters(search(readRule(scoped, 'items.list', { version: 'current' }), { version: 'current' }))).toEqual({
      total: [],
      published: [],
      subtrees: [{ itemTypeId: '1', rootIds: ['5', '8'], published: false }],
    });
    const own = principal(
      { permissions: ['*'], rootNodeIds: ['5'] },
      { attributes: roleAttributes({ positive_item_type_permissions: [{ item_type: '1', action: 'all', on_creator: 'self' }] }) },
    );
    expect(modelCounters(search(readRule(own, 'cda.query', { version: 'published' })))).toBeNull();
  });

  it('counts a record below two overlapping roots once, under the outer one', () => {
    const paths = new Map([
      ['7', ['1', '7']],
      ['1', ['1']],
      ['9', ['1', '7', '9']],
      ['4', ['4']],
    ]);
    expect(outermostRoots(paths).sort()).toEqual(['1', '4']);
    expect(outermostRoots(new Map([['9', ['1', '7', '9']]]))).toEqual(['9']);
  });
});

const opArb = fc.oneof(
  // `live`: created published, as in a model without draft mode.
  fc.record({ op: fc.constant('create' as const), model: fc.nat(1), parent: fc.option(fc.nat(), { nil: null }), live: fc.boolean() }),
  fc.record({ op: fc.constant('move' as const), pick: fc.nat(), parent: fc.option(fc.nat(), { nil: null }) }),
  fc.record({ op: fc.constantFrom('publish' as const, 'unpublish' as const, 'delete' as const), pick: fc.nat() }),
);

for (const dialect of DIALECTS) {
  describe(`${dialect}: the subtree counters equal count(*) in every subtree`, () => {
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

    const newType = async (name: string) => (await store.createItemType(itemTypeInput({ name, apiKey: name, tree: true }), NOW)).id;
    const newItem = (itemTypeId: string, parentId: string | null, published = false) =>
      store.createItem({ itemTypeId, parentId, position: 0, current: { v: 1 }, creator: { type: 'account', id: 'owner' }, createdAt: NOW, published });
    const itemsOf = (typeIds: string[]) => store.listItems({ itemTypeIds: typeIds });
    const exactCount = async (s: ItemSearch) =>
      Number((await (await countQuery(createContext(store.db, store.dialect, new ChangeBus(), null), s)).executeTakeFirst())?.n ?? 0);

    /** Every item's counters per model, next to the records its subtree holds; scoped counts next to the rows'. */
    async function compare(typeIds: string[], rootSets: string[][]): Promise<void> {
      const items = await itemsOf(typeIds);
      const expected = new Map<string, { total: number; published: number }>();
      for (const item of items) {
        for (const ancestor of item.pathIds) {
          const key = `${ancestor}:${item.itemTypeId}`;
          const counts = expected.get(key) ?? { total: 0, published: 0 };
          expected.set(key, { total: counts.total + 1, published: counts.published + Number(item.published !== null) });
        }
      }
      const rows = await store.db.selectFrom('item_subtree_counts').selectAll().where('item_type_id', 'in', typeIds.map(Number)).execute();
      const stored = new Map(
        rows
          .filter((r) => Number(r.total) !== 0 || Number(r.published) !== 0)
          .map((r) => [`${r.ancestor_id}:${r.item_type_id}`, { total: Number(r.total), published: Number(r.published) }]),
      );
      expect(stored).toEqual(expected);
      // No counter outlives its item.
      const ids = new Set(items.map((i) => Number(i.id)));
      expect(rows.filter((r) => !ids.has(r.ancestor_id))).toEqual([]);
      for (const roots of rootSets) {
        for (const [rule, version] of [
          [within(...roots), 'current'],
          [and(within(...roots), PUBLISHED), 'published'],
        ] as const) {
          for (const models of [typeIds, typeIds.slice(0, 1)]) {
            const s: ItemSearch = { rule, version, itemTypeIds: models };
            expect(modelCounters(s)?.subtrees).toHaveLength(models.length);
            expect(await store.countSearch(s)).toBe(await exactCount(s));
          }
        }
      }
    }

    it('after random sequences of creates, publishes, unpublishes, moves and deletes', async () => {
      let run = 0;
      await fc.assert(
        fc.asyncProperty(
          fc.array(opArb, { minLength: 1, maxLength: 25 }),
          fc.array(fc.array(fc.nat(), { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 3 }),
          async (ops, picks) => {
            run++;
            const typeIds = [await newType(`section${run}`), await newType(`article${run}`)];
            let items: Item[] = [];
            const at = (pick: number) => items[pick % items.length];
            for (const op of ops) {
              if (op.op === 'create') {
                const parent = op.parent === null || items.length === 0 ? null : at(op.parent)!.id;
                items.push(await newItem(typeIds[op.model]!, parent, op.live));
                continue;
              }
              const item = at(op.pick);
              if (!item) continue;
              if (op.op === 'delete') {
                // A record with children cannot go (as the API refuses it).
                if (items.some((i) => i.parentId === item.id)) continue;
                expect(await store.deleteItem(item.id)).toBe(true);
              } else if (op.op === 'move') {
                // Never below itself (as the API refuses it).
                const target = op.parent === null ? null : at(op.parent)!;
                if (target?.pathIds.includes(item.id)) continue;
                await store.updateItem(item.id, { parentId: target?.id ?? null, updatedAt: NOW });
              } else {
                await store.updateItem(item.id, { ...(op.op === 'publish' ? published(item, NOW) : unpublished(item)), updatedAt: NOW });
              }
              // Moves rewrite descendants' paths: read every record back.
              items = await itemsOf(typeIds);
            }
            // Whatever the draw, every run also moves a record into a subtree, deletes one, and
            // counts with nested roots, so each of those paths is checked in every run.
            const outer = await newItem(typeIds[0]!, null);
            const inner = await newItem(typeIds[1]!, outer.id);
            const moved = await newItem(typeIds[1]!, null);
            await store.updateItem(moved.id, { parentId: inner.id, updatedAt: NOW });
            const gone = await newItem(typeIds[1]!, inner.id);
            expect(await store.deleteItem(gone.id)).toBe(true);
            items = await itemsOf(typeIds);
            const drawn = picks.map((p) => [...new Set(p.map((n) => at(n)!.id))]);
            const rootSets = [...drawn, [outer.id, inner.id]];
            // A root that does not exist covers nothing.
            await compare(typeIds, [...rootSets, ['999999']]);
          },
        ),
        { numRuns: 15 },
      );
    }, 120_000);

    it('after a write that rolled back, and after a model is deleted', async () => {
      const typeIds = [await newType('rollback')];
      const root = await newItem(typeIds[0]!, null);
      const child = await newItem(typeIds[0]!, root.id);
      await expect(
        store.transaction(async (tx) => {
          const item = await tx.createItem({
            itemTypeId: typeIds[0]!,
            parentId: child.id,
            position: 0,
            current: {},
            creator: { type: 'account', id: 'owner' },
            createdAt: NOW,
          });
          await tx.updateItem(item.id, { ...published(item, NOW), updatedAt: NOW });
          await tx.updateItem(child.id, { parentId: null, updatedAt: NOW });
          throw new Error('a later check refused the write');
        }),
      ).rejects.toThrow('a later check refused');
      expect(await store.countSearch({ rule: within(root.id), version: 'current', itemTypeIds: typeIds })).toBe(2);
      await compare(typeIds, [[root.id], [child.id]]);
      expect(await store.deleteItem(child.id)).toBe(true);
      expect(await store.deleteItem(root.id)).toBe(true);
      expect(await store.deleteItemType(typeIds[0]!)).toBe(true);
      expect(await store.db.selectFrom('item_subtree_counts').selectAll().where('item_type_id', '=', Number(typeIds[0])).execute()).toEqual([]);
    });

    it('backfilled from the rows already there by the migration', async () => {
      const typeIds = [await newType('backfill_a'), await newType('backfill_b')];
      const made: Item[] = [];
      for (let i = 0; i < 12; i++) {
        const item = await newItem(typeIds[i % 2]!, i < 2 ? null : made[Math.floor(i / 2) - 1]!.id);
        if (i % 3 === 0) await store.updateItem(item.id, { ...published(item, NOW), updatedAt: NOW });
        made.push(item);
      }
      const schema = db.target.kind === 'postgres' ? db.target.schema : undefined;
      const { Migrator } = await import('kysely');
      const migrator = new Migrator({ db: store.db, provider: migrationProvider, ...(schema ? { migrationTableSchema: schema } : {}) });
      // Back to before the subtree counters (every later migration goes first, newest first), and up again.
      const later = Object.keys(await migrationProvider.getMigrations()).filter((name) => name > '005-item-counts');
      expect(later[0]).toBe('006-item-subtree-counts');
      const down = await migrator.migrateTo('005-item-counts');
      expect(down.error).toBeUndefined();
      expect(down.results?.map((r) => r.migrationName)).toEqual([...later].reverse());
      expect(await migrate(store.db, schema)).toEqual(later);
      await compare(typeIds, [[made[0]!.id], [made[2]!.id, made[4]!.id], [made[1]!.id, made[3]!.id]]);
    });

    if (dialect === 'postgres') {
      it('under concurrent creates, publishes, deletes and moves', async () => {
        const typeIds = [await newType('concurrent')];
        const [a, b] = [await newItem(typeIds[0]!, null), await newItem(typeIds[0]!, null)];
        const sections = await Promise.all(Array.from({ length: 4 }, (_, i) => newItem(typeIds[0]!, i % 2 === 0 ? a.id : b.id)));
        const first = await Promise.all(Array.from({ length: 16 }, (_, i) => newItem(typeIds[0]!, sections[i % 4]!.id)));
        // Writes below the same ancestors at once: each steps the same counter rows.
        await Promise.all([
          ...Array.from({ length: 16 }, (_, i) => newItem(typeIds[0]!, sections[i % 4]!.id)),
          ...first.slice(0, 8).map((item) => store.updateItem(item.id, { ...published(item, NOW), updatedAt: NOW })),
          ...first.slice(8).map((item) => store.deleteItem(item.id)),
          store.updateItem(sections[0]!.id, { parentId: b.id, updatedAt: NOW }),
          store.updateItem(sections[3]!.id, { parentId: a.id, updatedAt: NOW }),
        ]);
        expect(await store.countSearch({ rule: within(a.id, b.id), version: 'current', itemTypeIds: typeIds })).toBe(2 + 4 + 8 + 16);
        await compare(typeIds, [[a.id], [b.id], [a.id, ...sections.map((s) => s.id)]]);
      }, 60_000);
    }
  });
}
