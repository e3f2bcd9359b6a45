/**
 * @module
 * Lists of tokens, roles and users, in DatoCMS's JSON:API paging: `page[offset]` and `page[limit]`
 * select a page, `meta.total_count` says how many there are. A request without page parameters
 * gets every row, as DatoCMS answers `GET /access_tokens` and as the official client's
 * `accessTokens.list()` expects: read from the database in chunks and written out chunk by chunk,
 * so the server holds one chunk at a time however long the list is.
 */
import { Readable } from 'node:stream';
import { z } from 'zod';
import type { FastifyReply } from 'fastify';
import type { PageRequest } from '../core/ports.ts';

/** The largest `page[limit]`; DatoCMS's paged endpoints accept up to 500 as well. */
export const PAGE_LIMIT_MAX = 500;
/** `page[limit]` when only `page[offset]` is given. */
export const PAGE_LIMIT_DEFAULT = 30;
/** Rows read per query while streaming a whole list. */
export const STREAM_CHUNK = 500;

export const pageParams = {
  'page[offset]': z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
  'page[limit]': z.coerce.number().int().min(1).max(PAGE_LIMIT_MAX).optional(),
};
export const LIST_PARAMS = z.object(pageParams).strict();

/** One page, or (no page parameters) the whole list. */
export type ListRequest = { readonly kind: 'page'; readonly offset: number; readonly limit: number } | { readonly kind: 'all' };

export function listRequest(query: { 'page[offset]'?: number | undefined; 'page[limit]'?: number | undefined }): ListRequest {
  const offset = query['page[offset]'];
  const limit = query['page[limit]'];
  if (offset === undefined && limit === undefined) return { kind: 'all' };
  return { kind: 'page', offset: offset ?? 0, limit: limit ?? PAGE_LIMIT_DEFAULT };
}

export interface ListSource<T> {
  count(): Promise<number>;
  page(page: PageRequest): Promise<T[]>;
  idOf(row: T): string;
  /** Resource objects for these rows; may read what they need (roles, users) for this chunk only. */
  serialize(rows: T[]): Promise<unknown[]>;
}

/**
 * Answers a list request. `head`: members before `data` (the account-token shape's `status`).
 * Failures before the first byte (counting, the first chunk) reach the error handler like any
 * other; a database failure later can only cut the response short, which a client sees as
 * invalid JSON, never as a complete but shorter list.
 */
export async function sendList<T>(reply: FastifyReply, request: ListRequest, source: ListSource<T>, head: Record<string, unknown> = {}): Promise<unknown> {
  if (request.kind === 'all' && reply.request.method === 'HEAD') {
    // The framework answers HEAD by running GET and draining its body: for a whole list that
    // would read and serialise every row only to discard it. The same headers GET would send
    // (a streamed JSON body carries no length), and nothing read.
    reply.type('application/json; charset=utf-8');
    return Readable.from([]);
  }
  const totalCount = await source.count();
  if (request.kind === 'page') {
    const rows = await source.page({ offset: request.offset, limit: request.limit });
    return { ...head, data: await source.serialize(rows), meta: { total_count: totalCount } };
  }
  const first = await source.page({ offset: 0, limit: STREAM_CHUNK });
  const firstData = await source.serialize(first);
  reply.type('application/json; charset=utf-8');
  return Readable.from(streamed(source, first, firstData, totalCount, head), { objectMode: false });
}

async function* streamed<T>(
  source: ListSource<T>,
  first: T[],
  firstData: unknown[],
  totalCount: number,
  head: Record<string, unknown>,
): AsyncGenerator<string> {
  const opening = JSON.stringify(head).slice(0, -1);
  yield `${opening}${opening.length > 1 ? ',' : ''}"data":[`;
  let rows = first;
  let data = firstData;
  let separator = '';
  for (;;) {
    if (data.length > 0) {
      yield separator + data.map((resource) => JSON.stringify(resource)).join(',');
      separator = ',';
    }
    const last = rows.at(-1);
    // A short chunk is the end; the keyset (`id > last`) keeps rows written meanwhile from shifting
    // the next chunk, so no row that exists throughout is sent twice or left out.
    if (rows.length < STREAM_CHUNK || last === undefined) break;
    rows = await source.page({ offset: 0, limit: STREAM_CHUNK, afterId: source.idOf(last) });
    data = await source.serialize(rows);
  }
  yield `],"meta":${JSON.stringify({ total_count: totalCount })}}`;
}
