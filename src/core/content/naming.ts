/**
 * @module
 * The names a model and its fields get in the GraphQL schema (DatoCMS conventions): model
 * `blog_post` → type `BlogPostRecord`, queries `blogPost`, `allBlogPosts`, `_allBlogPostsMeta`;
 * field `cover_image` → `coverImage`. API keys are snake_case words that each start with a letter,
 * which makes the camel/Pascal forms injective; plurals can still collide, so the schema use case
 * refuses a model whose names clash with another's.
 */

/** snake_case words, each starting with a letter: `blog_post`, `h1_title`. */
export const API_KEY_PATTERN = /^[a-z][a-z0-9]*(_[a-z][a-z0-9]*)*$/;

const capitalise = (word: string) => word.charAt(0).toUpperCase() + word.slice(1);

export function pascalCase(apiKey: string): string {
  return apiKey.split('_').map(capitalise).join('');
}

export function camelCase(apiKey: string): string {
  const pascal = pascalCase(apiKey);
  return pascal.charAt(0).toLowerCase() + pascal.slice(1);
}

export function pluralise(word: string): string {
  if (/[^aeiou]y$/.test(word)) return `${word.slice(0, -1)}ies`;
  if (/(s|x|z|ch|sh)$/.test(word)) return `${word}es`;
  return `${word}s`;
}

export interface ModelNames {
  readonly typeName: string;
  readonly single: string;
  readonly all: string;
  readonly meta: string;
  readonly filterName: string;
  readonly orderName: string;
}

export function modelNames(apiKey: string): ModelNames {
  const pascal = pascalCase(apiKey);
  const plural = pluralise(pascal);
  return {
    typeName: `${pascal}Record`,
    single: camelCase(apiKey),
    all: `all${plural}`,
    meta: `_all${plural}Meta`,
    filterName: `${pascal}ModelFilter`,
    orderName: `${pascal}ModelOrderBy`,
  };
}

/** Every schema-level name a model claims; two models may not share any. */
export function claimedNames(apiKey: string): string[] {
  const n = modelNames(apiKey);
  return [n.typeName, n.single, n.all, n.meta, n.filterName, n.orderName];
}
