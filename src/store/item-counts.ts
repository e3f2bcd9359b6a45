/**
 * @module
 * The per-model record counters of migration 005: kept by the writes that change them, inside
 * their transaction, and read for counts of whole models (see `modelCounters` in core); counts
 * of whole models within root nodes add the subtree counters (`item-subtree-counts.ts`).
 */
import { sql, type Kysely } from 'kysely';
import type { ModelCounters } from '../core/content/query.ts';
import { readSubtreeCounters } from './item-subtree-counts.ts';
import { keys } from './read-predicate.ts';
import type { Database } from './schema.ts';

export async function addModelCounter(db: Kysely<Database>, itemTypeId: number): Promise<void> {
  await db.insertInto('item_counts').values({ item_type_id: itemTypeId, total: 0, published: 0 }).execute();
}

/**
 * Moves a model's counters by the given steps. `x = x + d` rather than a value computed here: two
 * writers never overwrite each other's step (on PostgreSQL the second one conflicts and re-runs).
 */
export async function stepModelCounter(db: Kysely<Database>, itemTypeId: number, step: { total?: number; published?: number }): Promise<void> {
  const total = step.total ?? 0;
  const published = step.published ?? 0;
  if (total === 0 && published === 0) return;
  await db
    .updateTable('item_counts')
    .set({ total: sql<number>`total + ${total}`, published: sql<number>`published + ${published}` })
    .where('item_type_id', '=', itemTypeId)
    .execute();
}

/** The sum of the counters a count takes; a model without counters (none such) counts nothing. */
export async function readModelCounters(db: Kysely<Database>, counters: ModelCounters): Promise<number> {
  const total = new Set(keys(counters.total));
  const published = new Set(keys(counters.published));
  const ids = [...total, ...published];
  const whole =
    ids.length === 0
      ? 0
      : (await db.selectFrom('item_counts').select(['item_type_id', 'total', 'published']).where('item_type_id', 'in', ids).execute()).reduce(
          (sum, row) => sum + Number(total.has(row.item_type_id) ? row.total : published.has(row.item_type_id) ? row.published : 0),
          0,
        );
  return whole + (counters.subtrees ? await readSubtreeCounters(db, counters.subtrees) : 0);
}

/** Every model that has counters, i.e. every model: what a search without `itemTypeIds` covers. */
export async function countedModels(db: Kysely<Database>): Promise<string[]> {
  return (await db.selectFrom('item_counts').select('item_type_id').execute()).map((r) => String(r.item_type_id));
}
