/**
 * The compiled executor answers exactly what graphql-js's `execute` answers: for generated
 * documents and variables over the fuzz world (fields with random arguments, nested filters,
 * aliases, fragments, variables of every shape) and for hand-written ones that exercise what a
 * compiler could get wrong (abstract types, `@skip`/`@include` driven by variables, repeated
 * fields merged, named operations, resolver errors), the data and the errors are the same.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExecutionResult } from 'graphql';
import '../support/property-seed.ts';
import { startHarness, type Harness } from '../support/harness.ts';
import { buildWorld, type World } from '../fuzz/world.ts';
import { ARTICLE_LEAVES, graphqlQuery, graphqlVariables } from '../fuzz/graphql-documents.ts';
import { DeliverySchemas } from '../../src/graphql/cache.ts';
import { interpreted } from '../../src/graphql/executor.ts';
import { createDeliveryReader } from '../../src/core/content/delivery.ts';
import type { Principal } from '../../src/core/model.ts';
import type { DeliveryContext } from '../../src/graphql/schema.ts';

const articleLeaf = fc.constantFrom(...ARTICLE_LEAVES, 'author { id title }');
const pageLeaf = fc.constantFrom('id', 'title', 'position', '_status', '__typename', 'parent { id }', 'children { id title }');
const articleFilter = fc.constantFrom(
  null,
  {},
  { title: { eq: 'Hello' } },
  { id: { in: ['1', '2', '3', '4'] } },
  { _status: { eq: 'draft' } },
  { score: { gt: 1 } },
  { OR: [{ title: { eq: 'Draft' } }, { data: { exists: true } }] },
);
const listArgs = fc
  .record(
    {
      first: fc.constantFrom('1', '2', '$n', '20'),
      skip: fc.constantFrom('0', '1', '5'),
      filter: fc.constantFrom('$f', '{ title: { neq: "Hello" } }'),
      orderBy: fc.constantFrom('[title_ASC]', '[_createdAt_DESC, id_ASC]', '[score_DESC]'),
    },
    { requiredKeys: [] },
  )
  .map((a) => {
    const parts = Object.entries(a).map(([k, v]) => `${k}: ${v}`);
    return parts.length > 0 ? `(${parts.join(', ')})` : '';
  });
const selection = (leaf: fc.Arbitrary<string>) => fc.uniqueArray(leaf, { minLength: 1, maxLength: 5 }).map((fields) => fields.join(' '));
const rootField = fc.oneof(
  fc.tuple(listArgs, selection(articleLeaf)).map(([args, fields]) => `allArticles${args} { ${fields} }`),
  fc.tuple(listArgs, selection(articleLeaf)).map(([args, fields]) => `x: allArticles${args} { ...A ${fields} }`),
  fc.tuple(fc.constantFrom('1', '2', '3', '4', '99'), selection(articleLeaf)).map(([id, fields]) => `article(filter: { id: { eq: "${id}" } }) { ${fields} }`),
  selection(pageLeaf).map((fields) => `allPages { ${fields} _children { __typename ... on ArticleRecord { title } ... on PageRecord { id } } }`),
  fc.constantFrom('_allArticlesMeta(filter: $f) { count }', '_allPagesMeta { count }', '_site { __typename }', '__typename'),
);
/** Valid documents over the fuzz world's schema: lists with arguments, lookups, traversals, fragments. */
const validDocument = fc
  .array(rootField, { minLength: 1, maxLength: 3 })
  .map(
    (fields) =>
      `query Q($f: ArticleModelFilter, $n: IntType) { v: allArticles(first: $n, filter: $f) { id } ${fields.map((f, i) => `a${i}: ${f.replace(/^x: /, '')}`).join(' ')} } fragment A on ArticleRecord { id _status }`,
  )
  .map((query) => (query.includes('...A') ? query : query.replace(/ fragment A .*$/, '')));

/** What a client receives of a result: its data, and each error's message, path and locations. */
const received = (result: ExecutionResult) => ({
  data: result.data,
  errors: result.errors?.map((e) => ({ message: e.message, path: e.path, locations: e.locations })),
});

describe('the compiled executor', () => {
  let h: Harness;
  let world: World;
  let schemas: DeliverySchemas;
  let principals: readonly { readonly principal: Principal; readonly drafts: boolean }[];

  beforeAll(async () => {
    h = await startHarness();
    world = await buildWorld(h);
    schemas = new DeliverySchemas(h.runtime.store, h.clock, { recheckMs: 30_000, maxDocuments: 1_000, maxDepth: 12 });
    const principalOf = async (secret: string) => {
      const credential = await h.runtime.deps.cache.lookup(secret);
      if (credential.kind !== 'found') throw new Error('unknown secret');
      return credential.principal;
    };
    principals = [
      { principal: await principalOf(world.readonlySecret), drafts: false },
      { principal: await principalOf(world.adminSecret), drafts: true },
    ];
  });
  afterAll(() => h.close());

  /** Runs `query` both ways for every principal; false when the document was refused before execution. */
  async function compare(query: string, variables?: Record<string, unknown>, operationName?: string): Promise<boolean> {
    const built = await schemas.current();
    const compiled = schemas.compile(built, query);
    if ('errors' in compiled) return false;
    for (const { principal, drafts } of principals) {
      const context = (): DeliveryContext => ({ reader: createDeliveryReader(h.runtime.store, principal, drafts), siteName: async () => 'Site' });
      const request = { variableValues: variables, operationName };
      const expected = await interpreted(built.schema, compiled.document)({ ...request, contextValue: context() });
      const actual = await compiled.run({ ...request, contextValue: context() });
      expect(received(actual), query).toEqual(received(expected));
    }
    return true;
  }

  it('answers the fuzz suite documents and variables as graphql-js does', async () => {
    let executed = 0;
    await fc.assert(
      fc.asyncProperty(graphqlQuery, graphqlVariables, fc.constantFrom(undefined, 'Q', 'Nope'), async (query, variables, operationName) => {
        const inputs = typeof variables === 'object' && variables !== null && !Array.isArray(variables) ? (variables as Record<string, unknown>) : undefined;
        if (await compare(query, inputs, operationName)) executed++;
      }),
      { numRuns: 600 },
    );
    // The fuzz grammar aims at refusals; some of its documents must still have run both ways.
    expect(executed).toBeGreaterThan(10);
  });

  it('answers valid documents over every field, argument and fragment as graphql-js does', async () => {
    await fc.assert(
      fc.asyncProperty(
        validDocument,
        fc.record({ f: articleFilter, n: fc.oneof(fc.integer({ min: -2, max: 600 }), fc.constant(null)) }),
        async (query, variables) => {
          expect(await compare(query, variables)).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });

  it.each([
    ['abstract types', '{ allPages { _children { __typename ... on PageRecord { title } ... on ArticleRecord { id title author { id } } } } }', undefined],
    ['records of the tree', '{ allPages { id _children { __typename ... on ArticleRecord { title } } parent { id } children { id } } }', undefined],
    [
      '@skip and @include by variables',
      'query Q($s: Boolean!, $i: Boolean!) { allArticles { id title @skip(if: $s) body @include(if: $i) } }',
      { s: true, i: false },
    ],
    [
      '@skip and @include, other way round',
      'query Q($s: Boolean!, $i: Boolean!) { allArticles { id title @skip(if: $s) body @include(if: $i) } }',
      { s: false, i: true },
    ],
    ['merged fields and aliases', '{ a: allArticles(first: 1) { id } a: allArticles(first: 1) { title } b: _allArticlesMeta { count } }', undefined],
    ['a missing required variable', 'query Q($n: IntType!) { allArticles(first: $n) { id } }', {}],
    ['a variable of the wrong type', 'query Q($n: IntType) { allArticles(first: $n) { id } }', { n: 'ten' }],
    ['a query error at run time', '{ allArticles(first: 501) { id } }', undefined],
    ['a record by id with a variable', 'query Q($id: ItemId) { article(filter: { id: { eq: $id } }) { id title _status } }', { id: '3' }],
    [
      'system fields',
      '{ _site { __typename } allArticles { _createdAt _updatedAt _publishedAt _firstPublishedAt _isValid _modelApiKey _seoMetaTags { tag } } }',
      undefined,
    ],
  ])('%s', async (_label, query, variables) => {
    expect(await compare(query, variables as Record<string, unknown> | undefined)).toBe(true);
  });

  it('leaves documents with several operations to graphql-js, by name', async () => {
    const query = 'query A { allArticles { id } } query B { allPages { id } }';
    for (const name of ['A', 'B', 'C', undefined]) expect(await compare(query, undefined, name)).toBe(true);
  });
});
