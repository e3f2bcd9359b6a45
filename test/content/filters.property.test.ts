/**
 * GraphQL `filter` and `orderBy` run in SQL exactly as the in-memory reference defines them: for
 * generated records (every field type, with nulls, empty strings and values of the wrong JSON
 * type) and generated filters (every operator, AND/OR), orderings and pages, the store returns
 * the same records in the same order, and counts them alike, on every dialect.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { conforms } from '../../src/core/content/fields.ts';
import type { FieldDefinition, Item } from '../../src/core/content/model.ts';
import { camelCase } from '../../src/core/content/naming.ts';
import { ALL } from '../../src/core/content/read-rule.ts';
import { toCondition, toOrder, valueRefs, type RecordFilter } from '../../src/graphql/filter.ts';
import { openStore } from '../../src/store/database.ts';
import type { SqlStore } from '../../src/store/sql-store.ts';
import { DIALECTS, createTestDatabase, type TestDatabase } from '../support/databases.ts';
import { matches, order, type Accessors, type Readable } from './reference-filter.ts';
import { fieldDef, storeModel } from '../support/models.ts';

const NOW = '2026-11-18T10:00:00.000Z';
const FIELDS: FieldDefinition[] = (
  [
    ['s', 'string'],
    ['t', 'text'],
    ['i', 'integer'],
    ['f', 'float'],
    ['b', 'boolean'],
    ['d', 'date'],
    ['dt', 'date_time'],
    ['j', 'json'],
    ['l', 'link'],
    ['ls', 'links'],
    ['ll', 'lat_lon'],
  ] as const
).map(([api_key, field_type], index) => fieldDef(`v_${api_key}`, field_type, { label: api_key, position: index + 1 }));

/** Value pools per field type; `7` and `'x'` are values of the wrong JSON type for some fields. */
const POOLS: Record<string, unknown[]> = {
  string: [null, '', 'ab', 'AB', 'b', 'Z', 'a b', 7],
  text: [null, '', 'hello', 'HELLO world', 'lo', 7],
  integer: [null, -2, 0, 1, 3, 'x', 2.5],
  float: [null, -1.5, 0, 2.25, 3, 'x'],
  boolean: [null, true, false, 'x'],
  date: [null, '2025-12-31', '2026-01-01', '2026-02-10', 5],
  date_time: [null, '2026-01-01T00:00:00.000Z', '2026-01-01T10:30:00.000Z', '2025-06-01T00:00:00.000Z'],
  json: [null, {}, [], '', 0, 'x', false, { a: 1 }],
  link: [null, '1', '2', '99', 4],
  links: [null, [], ['1'], ['1', '2'], ['2', '1'], ['3'], 'x'],
  lat_lon: [null, { latitude: 48.8566, longitude: 2.3522 }, { latitude: 45.764, longitude: 4.8357 }, { latitude: 0, longitude: 0 }, 'x'],
};
const ARGS: Record<string, unknown[]> = {
  string: ['', 'ab', 'AB', 'b', 'Z'],
  text: ['lo', 'HELLO'],
  integer: [-2, 0, 1, 3],
  float: [-1.5, 0, 2.25, 3],
  boolean: [true, false],
  date: ['2025-12-31', '2026-01-01', '2026-02-10'],
  date_time: ['2026-01-01T00:00:00.000Z', '2026-01-01T10:30:00.000Z'],
  json: [],
  link: ['1', '2', '99'],
  links: ['1', '2', '3'],
  lat_lon: [1_000, 400_000, 10_000_000],
};
/** The operators each GraphQL filter input offers (src/graphql/scalars.ts). */
const OPS: Record<string, string[]> = {
  string: ['eq', 'neq', 'in', 'notIn', 'matches', 'notMatches', 'isBlank', 'isPresent', 'exists'],
  text: ['matches', 'notMatches', 'isBlank', 'isPresent', 'exists'],
  integer: ['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'exists'],
  float: ['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'exists'],
  boolean: ['eq'],
  date: ['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'exists'],
  date_time: ['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'exists'],
  json: ['exists'],
  link: ['eq', 'neq', 'in', 'notIn', 'exists'],
  links: ['eq', 'anyIn', 'allIn', 'notIn', 'exists'],
  lat_lon: ['near', 'exists'],
};
const SYSTEM_TESTS: [string, string, fc.Arbitrary<unknown>][] = [
  ['_status', 'eq', fc.constantFrom('draft', 'published', 'updated')],
  ['_status', 'notIn', fc.subarray(['draft', 'published', 'updated'])],
  ['position', 'gte', fc.integer({ min: 0, max: 3 })],
  ['_publishedAt', 'exists', fc.boolean()],
  ['parent', 'exists', fc.boolean()],
];
const ORDERABLE = ['string', 'integer', 'float', 'boolean', 'date', 'date_time'];

const testArb: fc.Arbitrary<RecordFilter> = fc.oneof(
  fc.constantFrom(...FIELDS).chain((field) => {
    const name = camelCase(field.api_key);
    return fc.constantFrom(...OPS[field.field_type]!).chain((op): fc.Arbitrary<RecordFilter> => {
      const pool = ARGS[field.field_type]!;
      const arg: fc.Arbitrary<unknown> =
        op === 'exists' || op === 'isBlank' || op === 'isPresent'
          ? fc.boolean()
          : op === 'in' || op === 'notIn' || op === 'anyIn' || op === 'allIn' || (op === 'eq' && field.field_type === 'links')
            ? field.field_type === 'links'
              ? fc.shuffledSubarray(pool)
              : fc.subarray(pool)
            : op === 'near'
              ? fc.constantFrom(...pool).map((radius) => ({ latitude: 48.86, longitude: 2.35, radius }))
              : op === 'matches' || op === 'notMatches'
                ? fc.record({ pattern: fc.constantFrom('', 'b', 'B', 'lo', 'LO', 'a b'), caseSensitive: fc.boolean() })
                : fc.constantFrom(...pool);
      return arg.map((a) => ({ [name]: { [op]: a } }));
    });
  }),
  fc.constantFrom(...SYSTEM_TESTS).chain(([name, op, arg]) => arg.map((a) => ({ [name]: { [op]: a } }))),
);
const filterArb: fc.Arbitrary<RecordFilter> = fc.oneof(
  { weight: 3, arbitrary: testArb },
  { weight: 1, arbitrary: fc.record({ AND: fc.array(testArb, { maxLength: 2 }) }) },
  { weight: 1, arbitrary: fc.record({ OR: fc.array(testArb, { maxLength: 3 }) }) },
  { weight: 1, arbitrary: fc.tuple(testArb, testArb).map(([a, b]) => ({ ...a, ...b })) },
);
const orderArb = fc.array(
  fc
    .tuple(
      fc.constantFrom(...FIELDS.filter((f) => ORDERABLE.includes(f.field_type)).map((f) => camelCase(f.api_key)), '_publishedAt', 'position', '_status'),
      fc.constantFrom('ASC', 'DESC'),
    )
    .map(([k, d]) => `${k}_${d}`),
  { maxLength: 2 },
);
const recordsArb = fc.array(
  fc.record({
    values: fc.record(Object.fromEntries(FIELDS.map((f) => [f.api_key, fc.constantFrom(...POOLS[f.field_type]!)]))),
    published: fc.boolean(),
    position: fc.nat(3),
    top: fc.boolean(),
  }),
  { minLength: 1, maxLength: 14 },
);

for (const dialect of DIALECTS) {
  describe(`${dialect}: GraphQL filters and orderings in SQL`, () => {
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

    it('selects, orders and counts like the reference', async () => {
      await fc.assert(
        fc.asyncProperty(
          recordsArb,
          fc.array(fc.tuple(filterArb, orderArb, fc.option(fc.record({ offset: fc.nat(6), limit: fc.integer({ min: 1, max: 8 }) }), { nil: null })), {
            minLength: 12,
            maxLength: 12,
          }),
          async (records, queries) => {
            const model = await storeModel(store, { name: 'All', apiKey: `all_${++serial}`, fields: FIELDS, tree: true }, NOW);
            const items: Item[] = [];
            for (const [index, r] of records.entries()) {
              const parentId = r.top || items.length === 0 ? null : items[0]!.id;
              // Values are written as stored, bypassing validation: they stand for records written
              // before the model changed, so some have the wrong JSON type for their field.
              let item = await store.createItem({
                itemTypeId: model.id,
                parentId,
                position: r.position,
                current: r.values,
                creator: { type: 'account', id: 'owner' },
                createdAt: `2026-01-0${1 + (index % 9)}T00:00:00.000Z`,
              });
              if (r.published) item = (await store.updateItem(item.id, { published: item.current, status: 'published', publishedAt: NOW, updatedAt: NOW }))!;
              items.push(item);
            }
            const refs = valueRefs(model);
            const accessors: Accessors = new Map<string, (r: Readable) => unknown>([
              ['id', (r) => (r as unknown as Item).id],
              ['_status', (r) => (r as unknown as Item).status],
              ['_createdAt', (r) => (r as unknown as Item).createdAt],
              ['_updatedAt', (r) => (r as unknown as Item).updatedAt],
              ['_publishedAt', (r) => (r as unknown as Item).publishedAt],
              ['parent', (r) => (r as unknown as Item).parentId],
              ['position', (r) => (r as unknown as Item).position],
              ...FIELDS.map((f): [string, (r: Readable) => unknown] => [
                camelCase(f.api_key),
                (r) => {
                  const value = (r as unknown as Item).current[f.api_key];
                  return conforms(f.field_type, value) ? value : null;
                },
              ]),
            ]);
            const kinds = new Map(FIELDS.map((f) => [camelCase(f.api_key), f.field_type]));
            // The reference reads `record.item.id`; an Item is its own `item` here.
            const readable = items.map((item) => Object.assign(item, { item }));
            for (const [filter, orderBy, page] of queries) {
              const where = toCondition(filter, refs);
              const search = { rule: ALL, version: 'current' as const, itemTypeIds: [model.id], ...(where ? { where } : {}), orderBy: toOrder(orderBy, refs) };
              const expected = order(
                readable.filter((r) => matches(r, filter, accessors, kinds)),
                orderBy,
                accessors,
              ).map((r) => r.item.id);
              const got = (await store.searchItems(search)).map((i) => i.id);
              expect({ filter, orderBy, got }).toEqual({ filter, orderBy, got: expected });
              expect(await store.countSearch(search)).toBe(expected.length);
              if (page) {
                const paged = (await store.searchItems({ ...search, ...page })).map((i) => i.id);
                expect({ filter, orderBy, page, paged }).toEqual({ filter, orderBy, page, paged: expected.slice(page.offset, page.offset + page.limit) });
              }
            }
          },
        ),
        { numRuns: 6 },
      );
    }, 60_000);
  });
}
