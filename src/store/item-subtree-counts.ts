/**
 * @module
 * The subtree counters of migration 006 (per item and model, the records in the item's subtree):
 * stepped by creates, deletes, publishes, unpublishes and moves inside their transaction, and
 * read for root-node-scoped counts of whole models (see `modelCounters` in core).
 */
import { sql, type Kysely } from 'kysely';
import type { SubtreeCounter } from '../core/content/query.ts';
import { outermostRoots } from '../core/content/read-rule.ts';
import { keys, rootPaths } from './read-predicate.ts';
import type { Database } from './schema.ts';

/**
 * The sum of the subtree counters of the outermost roots (a root inside another one would count
 * its records twice); a root that no longer exists covers nothing.
 */
export async function readSubtreeCounters(db: Kysely<Database>, subtrees: readonly SubtreeCounter[]): Promise<number> {
  const roots = [...new Set(subtrees.flatMap((s) => s.rootIds))];
  const found = await rootPaths(db, { kind: 'withinRoots', rootIds: roots });
  const pathIds = new Map([...found].map(([id, path]) => [id, path.split('/').filter((s) => s !== '')]));
  const column = new Map<number, { published: boolean; roots: Set<number> }>();
  for (const s of subtrees) {
    const mine = new Map([...pathIds].filter(([id]) => s.rootIds.includes(id)));
    const key = Number(s.itemTypeId);
    if (Number.isSafeInteger(key)) column.set(key, { published: s.published, roots: new Set(keys(outermostRoots(mine))) });
  }
  const ancestors = [...new Set([...column.values()].flatMap((c) => [...c.roots]))];
  if (ancestors.length === 0) return 0;
  const rows = await db
    .selectFrom('item_subtree_counts')
    .select(['ancestor_id', 'item_type_id', 'total', 'published'])
    .where('ancestor_id', 'in', ancestors)
    .where('item_type_id', 'in', [...column.keys()])
    .execute();
  return rows.reduce((sum, row) => {
    const c = column.get(row.item_type_id);
    return c?.roots.has(row.ancestor_id) ? sum + Number(c.published ? row.published : row.total) : sum;
  }, 0);
}

/** The ids on a materialised path (`/1/7/` → 1, 7). */
const pathKeys = (path: string) =>
  path
    .split('/')
    .filter((s) => s !== '')
    .map(Number);

/**
 * Adds `step` to the counters of model `itemTypeId` under every item of `ancestors`, creating the
 * rows an item lacks (`x = x + d` on conflict, so concurrent writers add up).
 */
async function addToAncestors(
  db: Kysely<Database>,
  ancestors: readonly number[],
  itemTypeId: number,
  step: { total: number; published: number },
): Promise<void> {
  if (ancestors.length === 0 || (step.total === 0 && step.published === 0)) return;
  await db
    .insertInto('item_subtree_counts')
    .values(ancestors.map((ancestor_id) => ({ ancestor_id, item_type_id: itemTypeId, total: step.total, published: step.published })))
    .onConflict((oc) =>
      oc.columns(['ancestor_id', 'item_type_id']).doUpdateSet({
        total: sql<number>`item_subtree_counts.total + excluded.total`,
        published: sql<number>`item_subtree_counts.published + excluded.published`,
      }),
    )
    .execute();
}

/** A record created at `path` (its own id last): one more of its model in every subtree it is in. */
export async function countCreated(db: Kysely<Database>, path: string, itemTypeId: number, published = false): Promise<void> {
  await addToAncestors(db, pathKeys(path), itemTypeId, { total: 1, published: Number(published) });
}

/** A record at `path` deleted, published or unpublished: its subtrees' counters step by as much. */
export async function stepSubtreeCounters(db: Kysely<Database>, path: string, itemTypeId: number, step: { total?: number; published?: number }): Promise<void> {
  const total = step.total ?? 0;
  const published = step.published ?? 0;
  if (total === 0 && published === 0) return;
  await db
    .updateTable('item_subtree_counts')
    .set({ total: sql<number>`total + ${total}`, published: sql<number>`published + ${published}` })
    .where('item_type_id', '=', itemTypeId)
    .where('ancestor_id', 'in', pathKeys(path))
    .execute();
}

/**
 * Item `id` moved from `oldPath` to `newPath` (both ending with its own id): its subtree's records,
 * per model — its own counter rows — leave the ancestors it left and join the ones it joined.
 * Ancestors on both paths keep their counts.
 */
export async function countMoved(db: Kysely<Database>, id: number, oldPath: string, newPath: string): Promise<void> {
  const before = pathKeys(oldPath).filter((k) => k !== id);
  const after = pathKeys(newPath).filter((k) => k !== id);
  const left = before.filter((k) => !after.includes(k));
  const joined = after.filter((k) => !before.includes(k));
  if (left.length === 0 && joined.length === 0) return;
  const rows = await db.selectFrom('item_subtree_counts').select(['item_type_id', 'total', 'published']).where('ancestor_id', '=', id).execute();
  for (const row of rows) {
    const total = Number(row.total);
    const published = Number(row.published);
    if (total === 0 && published === 0) continue;
    if (left.length > 0) {
      await db
        .updateTable('item_subtree_counts')
        .set({ total: sql<number>`total - ${total}`, published: sql<number>`published - ${published}` })
        .where('item_type_id', '=', row.item_type_id)
        .where('ancestor_id', 'in', left)
        .execute();
    }
    await addToAncestors(db, joined, row.item_type_id, { total, published });
  }
}
