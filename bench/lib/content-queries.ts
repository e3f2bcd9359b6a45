/**
 * @module
 * What the content-scale suite asks, and what a right answer looks like. Every answer is checked
 * before anything is timed: a fast query that returns the wrong records measures nothing, and a
 * page or count that includes a record outside the scoped token's subtree is a leak, not a speed-up.
 */
import type { Request } from './load.ts';
import { titleOf } from './content-seed.ts';

/** What one token may see at one level, and the record the lookups aim at. */
export interface Expectation {
  readonly visible: number;
  readonly targetId: string;
  readonly targetIndex: number;
}

export interface ScaleQuery {
  readonly name: string;
  /** How the report names it. */
  readonly label: string;
  readonly surface: 'cda' | 'cma';
  /** Method, path and body, given the record the lookups aim at. */
  readonly request: (e: Expectation) => Pick<Request, 'method' | 'path' | 'body'>;
  /** null when the answer is right; otherwise what is wrong with it. */
  readonly check: (body: unknown, e: Expectation) => string | null;
}

/** How far `skip` reaches into the title order. */
export const DEEP_SKIP = 5000;

type Json = Record<string, unknown>;
const obj = (v: unknown): Json => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : {});
const list = (v: unknown): Json[] => (Array.isArray(v) ? v.map(obj) : []);

function graphql(query: string): Pick<Request, 'method' | 'path' | 'body'> {
  return { method: 'POST', path: '/graphql', body: JSON.stringify({ query }) };
}

/** The `data` of a GraphQL answer, or the reason it has none. */
function data(body: unknown): Json | string {
  const errors = obj(body).errors;
  if (Array.isArray(errors) && errors.length > 0) return `errors: ${JSON.stringify(errors).slice(0, 200)}`;
  return obj(obj(body).data);
}

function expectLength(records: Json[], wanted: number): string | null {
  return records.length === wanted ? null : `${records.length} records, expected ${wanted}`;
}

const page = (visible: number, skip = 0) => Math.max(0, Math.min(10, visible - skip));

export const SCALE_QUERIES: readonly ScaleQuery[] = [
  {
    name: 'page',
    label: '`allArticles(first: 10)`',
    surface: 'cda',
    request: () => graphql('{ allArticles(first: 10) { id title body _status _publishedAt } }'),
    check: (body, e) => {
      const d = data(body);
      return typeof d === 'string' ? d : expectLength(list(d.allArticles), page(e.visible));
    },
  },
  {
    name: 'deep-page',
    label: `\`allArticles(first: 10, skip: ${DEEP_SKIP}, orderBy: title_ASC)\``,
    surface: 'cda',
    request: () => graphql(`{ allArticles(first: 10, skip: ${DEEP_SKIP}, orderBy: title_ASC) { id title } }`),
    check: (body, e) => {
      const d = data(body);
      if (typeof d === 'string') return d;
      const records = list(d.allArticles);
      const titles = records.map((r) => String(r.title));
      if (titles.some((t, i) => i > 0 && titles[i - 1]! > t)) return `titles out of order: ${titles.join(', ')}`;
      return expectLength(records, page(e.visible, DEEP_SKIP));
    },
  },
  {
    name: 'by-id',
    label: '`article(filter: {id: {eq: …}})`',
    surface: 'cda',
    request: (e) => graphql(`{ article(filter: {id: {eq: "${e.targetId}"}}) { id title body _publishedAt } }`),
    check: (body, e) => {
      const d = data(body);
      if (typeof d === 'string') return d;
      const record = obj(d.article);
      return record.id === e.targetId && record.title === titleOf(e.targetIndex) ? null : `got ${JSON.stringify(d.article).slice(0, 120)}`;
    },
  },
  {
    name: 'count',
    label: '`_allArticlesMeta { count }`',
    surface: 'cda',
    request: () => graphql('{ _allArticlesMeta { count } }'),
    check: (body, e) => {
      const d = data(body);
      if (typeof d === 'string') return d;
      const count = obj(d._allArticlesMeta).count;
      return count === e.visible ? null : `count ${String(count)}, expected ${e.visible}`;
    },
  },
  {
    name: 'field-filter',
    label: '`allArticles(filter: {title: {eq: …}})`',
    surface: 'cda',
    request: (e) => graphql(`{ allArticles(first: 10, filter: {title: {eq: "${titleOf(e.targetIndex)}"}}) { id title } }`),
    check: (body, e) => {
      const d = data(body);
      if (typeof d === 'string') return d;
      const records = list(d.allArticles);
      return records.length === 1 && records[0]!.id === e.targetId ? null : `got ${JSON.stringify(records).slice(0, 120)}`;
    },
  },
  {
    name: 'cma-page',
    label: 'CMA `GET /items?filter[type]=article&page[limit]=10`',
    surface: 'cma',
    request: () => ({ method: 'GET', path: '/items?filter[type]=article&page[limit]=10' }),
    check: (body, e) => {
      const total = obj(obj(body).meta).total_count;
      if (total !== e.visible) return `total_count ${String(total)}, expected ${e.visible}`;
      return expectLength(list(obj(body).data), page(e.visible));
    },
  },
];
