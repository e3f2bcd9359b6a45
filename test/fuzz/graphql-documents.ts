/**
 * GraphQL documents from a small grammar over the fuzz world's schema: real fields with random
 * arguments, filters that nest (sometimes far too deep), aliases, fragments, variables — and
 * sometimes text that is no GraphQL at all or is far too big.
 */
import fc from 'fast-check';
import { nested } from './values.ts';

/** Scalar fields every record of the fuzz world's article model has. */
export const ARTICLE_LEAVES = [
  'id',
  'title',
  'body',
  'data',
  'score',
  'day',
  '_status',
  '_createdAt',
  '_updatedAt',
  '_publishedAt',
  '_modelApiKey',
  '__typename',
] as const;

// `position` exists on pages only and `nope` nowhere: documents that fail validation on purpose.
const leaf = fc.constantFrom(...ARTICLE_LEAVES, 'position', 'nope');

const filter: fc.Arbitrary<string> = fc.letrec<{ filter: string }>((tie) => ({
  filter: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom(
      '{}',
      '{ title: { eq: "Hello" } }',
      '{ title: { matches: { pattern: "ell", caseSensitive: false } } }',
      '{ id: { in: ["1", "2"] } }',
      '{ _status: { eq: published } }',
      '{ score: { gt: 1e308 } }',
      '{ data: { exists: true } }',
      '{ nope: { eq: 1 } }',
      '{ title: { eq: 1 } }',
    ),
    fc.tuple(fc.constantFrom('AND', 'OR'), fc.array(tie('filter'), { maxLength: 3 })).map(([op, parts]) => `{ ${op}: [${parts.join(', ')}] }`),
  ),
})).filter;

const deepFilter = fc.integer({ min: 30, max: 2_000 }).map((n) => `${'{ AND: ['.repeat(n)}{}${'] }'.repeat(n)}`);

const args = fc
  .record(
    {
      first: fc.oneof(fc.integer({ min: -5, max: 600 }), fc.constantFrom(2 ** 31, -(2 ** 31) - 1)),
      skip: fc.integer({ min: -1, max: 1_000_000 }),
      filter: fc.oneof({ arbitrary: filter, weight: 5 }, { arbitrary: deepFilter, weight: 1 }, { arbitrary: fc.constant('$f'), weight: 1 }),
      orderBy: fc.constantFrom('[title_ASC]', '[_createdAt_DESC, title_ASC]', '[nope_ASC]', nested(100)),
    },
    { requiredKeys: [] },
  )
  .map((a) => {
    const list = Object.entries(a).map(([k, v]) => `${k}: ${v}`);
    return list.length > 0 ? `(${list.join(', ')})` : '';
  });

const selection: fc.Arbitrary<string> = fc.letrec<{ set: string }>((tie) => ({
  set: fc
    .array(
      fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        leaf,
        fc.tuple(fc.constantFrom('parent', 'children', 'author'), tie('set')).map(([f, s]) => `${f} ${s}`),
        tie('set').map((s) => `... on ArticleRecord ${s}`),
        fc.tuple(fc.stringMatching(/^[a-z][a-z0-9]{0,5}$/), leaf).map(([alias, f]) => `${alias}: ${f}`),
      ),
      { minLength: 1, maxLength: 5 },
    )
    .map((fields) => `{ ${fields.join(' ')} }`),
})).set;

const operation = fc
  .array(
    fc.oneof(
      fc.tuple(fc.constantFrom('allArticles', 'allPages', 'article', 'page', 'allNopes'), args, selection).map(([f, a, s]) => `${f}${a} ${s}`),
      fc.tuple(fc.constantFrom('_allArticlesMeta', '_allPagesMeta'), args).map(([f, a]) => `${f}${a} { count }`),
      fc.constantFrom('__typename', '_site { __typename }', '__schema { types { name } }', '__type(name: "ArticleRecord") { fields { name } }'),
    ),
    { minLength: 1, maxLength: 3 },
  )
  .map((fields) => `query Q($f: ArticleModelFilter, $n: IntType) { ${fields.join(' ')} }`);

/** A query text: mostly well-formed, sometimes broken, sometimes past the documented limits. */
export const graphqlQuery: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: operation, weight: 8 },
  { arbitrary: operation.map((q) => q.replace(/^query Q\([^)]*\) /, '')), weight: 3 },
  { arbitrary: fc.tuple(operation, fc.nat()).map(([q, n]) => q.slice(0, n % (q.length + 1))), weight: 1 },
  { arbitrary: fc.integer({ min: 400, max: 1_700 }).map((n) => `{ allArticles { ${'title '.repeat(n)}} }`), weight: 1 },
  { arbitrary: fc.integer({ min: 90, max: 150 }).map((n) => `{ ${Array.from({ length: n }, (_, i) => `a${i}: __typename`).join(' ')} }`), weight: 1 },
  {
    arbitrary: fc.constantFrom(
      `{ allPages { ${'children { '.repeat(14)}id${' }'.repeat(14)} } }`,
      `{ __typename } #${'x'.repeat(70_000)}`,
      `{ allArticles { ...A } } fragment A on ArticleRecord { ...A }`,
    ),
    weight: 1,
  },
  { arbitrary: fc.string({ unit: 'binary', maxLength: 80 }), weight: 1 },
);

export const graphqlVariables: fc.Arbitrary<unknown> = fc.oneof(
  fc.constant(undefined),
  fc.constant(null),
  fc.record(
    {
      f: fc.oneof(
        fc.jsonValue({ maxDepth: 3 }),
        fc.integer({ min: 1, max: 100 }).map((n) => JSON.parse(`${'{"AND":['.repeat(n)}{}${']}'.repeat(n)}`) as unknown),
      ),
      n: fc.jsonValue({ maxDepth: 1 }),
    },
    { requiredKeys: [] },
  ),
  fc.jsonValue({ maxDepth: 2 }),
);
