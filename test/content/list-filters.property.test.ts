/**
 * The operators DatoCMS's CMA adds to the shared condition model run in SQL exactly as the
 * in-memory reference defines them: the list operators on `links` fields (`anyIn`, `allIn`,
 * `notIn`, `eq`, `exists`), `notMatches` on text, `_firstPublishedAt`, and the per-model
 * `itemTypes` condition a text search uses — for generated records (with values of the wrong JSON
 * type among them) and generated filters, on every dialect, counted alike.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { conforms, defaultAppearance } from '../../src/core/content/fields.ts';
import { itemTypeInput } from '../../src/core/content/item-types.ts';
import type { FieldType, Item, NewField } from '../../src/core/content/model.ts';
import type { Condition } from '../../src/core/content/query.ts';
import { ALL } from '../../src/core/content/read-rule.ts';
import { toCondition, valueRefs, type RecordFilter } from '../../src/graphql/filter.ts';
import { openStore } from '../../src/store/database.ts';
import type { SqlStore } from '../../src/store/sql-store.ts';
import { DIALECTS, createTestDatabase, type TestDatabase } from '../support/databases.ts';
import { matches, type Accessors, type Readable } from './reference-filter.ts';

const NOW = '2026-11-18T10:00:00.000Z';
const field = (api_key: string, field_type: FieldType, position: number): NewField => ({
  api_key,
  label: api_key,
  field_type,
  validators: {},
  position,
  hint: null,
  default_value: null,
  localized: false,
  appearance: defaultAppearance(field_type),
});
const FIELDS: NewField[] = [field('tags', 'links', 1), field('title', 'string', 2)];
/** `'x'`, `[1]` and `{ a: 1 }` are not lists of ids: they read as null. */
const TAGS: unknown[] = [null, [], ['1'], ['1', '2'], ['2', '3'], ['3', '1', '2'], 'x', [1], { a: 1 }];
const TITLES: unknown[] = [null, '', 'Alpha', 'beta', 'ALPHA beta', 7];
const IDS = ['1', '2', '3', '4'];

const testArb: fc.Arbitrary<RecordFilter> = fc.oneof(
  fc.constantFrom('anyIn', 'allIn', 'notIn', 'eq').chain((op) => fc.subarray(IDS).map((ids) => ({ tags: { [op]: ids } }))),
  fc.boolean().map((exists) => ({ tags: { exists } })),
  fc
    .record({ pattern: fc.constantFrom('', 'a', 'ALPHA', 'beta', 'zz'), caseSensitive: fc.boolean() })
    .chain((arg) => fc.constantFrom('matches', 'notMatches').map((op) => ({ title: { [op]: arg } }))),
  fc.boolean().map((exists) => ({ _firstPublishedAt: { exists } })),
);
const filterArb: fc.Arbitrary<RecordFilter> = fc.oneof(
  { weight: 3, arbitrary: testArb },
  { weight: 1, arbitrary: fc.record({ AND: fc.array(testArb, { maxLength: 2 }) }) },
  { weight: 1, arbitrary: fc.record({ OR: fc.array(testArb, { maxLength: 3 }) }) },
);
const recordsArb = fc.array(fc.record({ tags: fc.constantFrom(...TAGS), title: fc.constantFrom(...TITLES), published: fc.boolean(), other: fc.boolean() }), {
  minLength: 1,
  maxLength: 12,
});

for (const dialect of DIALECTS) {
  describe(`${dialect}: the CMA's list and text operators in SQL`, () => {
    let db: TestDatabase;
    let store: SqlStore;
    let serial = 0;

    beforeAll(async () => {
      db = await createTestDatabase(dialect);
      store = await openStore(db.target);
    });
    afterAll(async () => {
      await store?.close();
      await db?.drop();
    });

    it('selects and counts like the reference', async () => {
      await fc.assert(
        fc.asyncProperty(recordsArb, fc.array(fc.tuple(filterArb, fc.boolean()), { minLength: 10, maxLength: 10 }), async (records, queries) => {
          const created = await store.createItemType(itemTypeInput({ name: 'M', apiKey: `m_${++serial}` }), NOW);
          const other = await store.createItemType(itemTypeInput({ name: 'O', apiKey: `o_${serial}` }), NOW);
          for (const f of FIELDS) {
            await store.createField(created.id, f);
            await store.createField(other.id, f);
          }
          const model = (await store.findItemType(created.id))!;
          const items: Item[] = [];
          for (const r of records) {
            // Written as stored, bypassing validation: some values have the wrong type for their field.
            let item = await store.createItem({
              itemTypeId: r.other ? other.id : model.id,
              parentId: null,
              position: 0,
              current: { tags: r.tags, title: r.title },
              creator: { type: 'account', id: 'owner' },
              createdAt: NOW,
            });
            if (r.published) item = (await store.updateItem(item.id, { published: item.current, status: 'published', publishedAt: NOW, updatedAt: NOW }))!;
            items.push(item);
          }
          const refs = valueRefs(model);
          const field = (key: string, type: 'links' | 'string') => (r: Readable) => {
            const value = (r as unknown as Item).current[key];
            return conforms(type, value) ? value : null;
          };
          const accessors: Accessors = new Map<string, (r: Readable) => unknown>([
            ['tags', field('tags', 'links')],
            ['title', field('title', 'string')],
            ['_firstPublishedAt', (r) => (r as unknown as Item).firstPublishedAt],
          ]);
          const readable = items.map((item) => Object.assign(item, { item }));
          for (const [filter, onlyModel] of queries) {
            const condition = toCondition(filter, refs);
            // Half the queries narrow to one model through the condition rather than the search.
            const where: Condition | undefined = onlyModel
              ? { kind: 'and', conditions: [{ kind: 'itemTypes', ids: [model.id] }, ...(condition ? [condition] : [])] }
              : condition;
            const search = { rule: ALL, version: 'current' as const, itemTypeIds: [model.id, other.id], ...(where ? { where } : {}) };
            const expected = readable
              .filter((r) => (!onlyModel || (r as unknown as Item).itemTypeId === model.id) && matches(r, filter, accessors, new Map([['tags', 'links']])))
              .map((r) => r.item.id);
            const got = (await store.searchItems(search)).map((i) => i.id);
            expect({ filter, onlyModel, got }).toEqual({ filter, onlyModel, got: expected });
            expect(await store.countSearch(search)).toBe(expected.length);
          }
        }),
        { numRuns: 8 },
      );
    }, 60_000);
  });
}
