/**
 * @module
 * What the measured routes read: a website page with a deep chain of sub-pages and a few dozen
 * published articles. The CMA target is one article (`GET /items/:id`); the CDA target one
 * GraphQL query listing ten articles; the CDA-by-id target the same article as the CMA target read
 * through GraphQL; the deep target the page at the bottom of the chain.
 */
import { SYSTEM_CONTEXT } from '../../src/core/audit.ts';
import type { Runtime } from '../../src/cli/runtime.ts';
import type { FieldType } from '../../src/core/content/model.ts';
import type { FieldInput } from '../../src/core/content/fields.ts';
import { createItemType, itemTypeInput } from '../../src/core/content/item-types.ts';
import { createItem, publishItem } from '../../src/core/content/item-writes.ts';

export interface Target {
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly body?: string;
  readonly headers?: Readonly<Record<string, string>>;
}

export interface Targets {
  readonly cma: Target;
  readonly cda: Target;
  /** `article(id: …)` of the CMA target's article. */
  readonly cdaById: Target;
  /** The record at the bottom of the deep tree, read by the root-node scope extra. */
  readonly deep: Target;
}

export interface SeededContent {
  readonly targets: Targets;
  /** A page near the top of the deep tree: the root node of the `scoped` token. */
  readonly scopeRootId: string;
  readonly depth: number;
}

export const TREE_DEPTH = 16;
const ARTICLES = 30;

/** A field of a benchmark model: labelled by its api key, optionally required. */
export const field = (api_key: string, field_type: FieldType, required = false): FieldInput => ({
  api_key,
  label: api_key,
  field_type,
  validators: required ? { required: {} } : {},
});

export const CDA_QUERY = '{ allArticles(first: 10) { id title slug body words _status _publishedAt } }';
export const cdaByIdQuery = (id: string) => `{ article(id: "${id}") { id title slug body words _status _publishedAt } }`;

export async function seedContent(runtime: Runtime): Promise<SeededContent> {
  const { content } = runtime.deps;
  const page = await createItemType(
    runtime.deps,
    itemTypeInput({ draftModeActive: true, name: 'Page', apiKey: 'page', tree: true, fields: [field('title', 'string', true), field('slug', 'string')] }),
    SYSTEM_CONTEXT,
  );
  const article = await createItemType(
    runtime.deps,
    itemTypeInput({
      draftModeActive: true,
      name: 'Article',
      apiKey: 'article',
      tree: false,
      fields: [field('title', 'string', true), field('slug', 'string'), field('body', 'text'), field('words', 'integer')],
    }),
    SYSTEM_CONTEXT,
  );
  const publish = async (itemTypeId: string, values: Record<string, unknown>, parentId: string | null) => {
    const created = await createItem(content, null, { itemTypeId, values, parentId });
    await publishItem(content, null, created.id, SYSTEM_CONTEXT);
    return created.id;
  };
  const chain: string[] = [];
  for (let level = 0; level < TREE_DEPTH; level++) {
    chain.push(await publish(page.id, { title: `Level ${level}`, slug: `level-${level}` }, chain.at(-1) ?? null));
  }
  const body = 'Latchkey checks a bearer token on every request. '.repeat(8);
  let firstArticle = '';
  for (let n = 0; n < ARTICLES; n++) {
    const id = await publish(article.id, { title: `Article ${n}`, slug: `article-${n}`, body, words: 400 + n }, chain[1] ?? null);
    firstArticle ||= id;
  }
  return {
    targets: {
      cma: { method: 'GET', path: `/items/${firstArticle}` },
      cda: { method: 'POST', path: '/graphql', body: JSON.stringify({ query: CDA_QUERY }) },
      cdaById: { method: 'POST', path: '/graphql', body: JSON.stringify({ query: cdaByIdQuery(firstArticle) }) },
      deep: { method: 'GET', path: `/items/${chain.at(-1)}` },
    },
    scopeRootId: chain[1] as string,
    depth: TREE_DEPTH,
  };
}
