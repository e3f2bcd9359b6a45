/**
 * @module
 * Id-ordered slices of a table: `page[offset]`/`page[limit]` for clients, and keyset chunks
 * (`id > afterId`) for lists streamed whole. The database does the paging, so a page costs the
 * same at 100,000 rows as at 100.
 */
import { sql } from 'kysely';
import type { PageRequest } from '../core/ports.ts';
import { rowId } from './rows.ts';

/** The keyset bound of a chunk: rows with a larger id. An id no chunk could have ended on starts at the beginning. */
export const afterKey = (page: PageRequest): number => (page.afterId === undefined ? 0 : (rowId(page.afterId) ?? 0));

/** `ids` as row keys, without duplicates; ids that cannot name a row are dropped. */
export function rowKeys(ids: readonly string[]): number[] {
  return [...new Set(ids.map(rowId).filter((k): k is number => k !== null))];
}

export const countAll = sql<number | string | bigint>`count(*)`.as('n');
export const countOf = (row: { n: number | string | bigint } | undefined): number => Number(row?.n ?? 0);
