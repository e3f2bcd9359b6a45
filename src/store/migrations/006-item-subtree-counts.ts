import { PostgresAdapter, sql, type Kysely } from 'kysely';

/**
 * Subtree counters: for every item A and model T, how many records of T lie in A's subtree — A
 * itself included, as a root node's scope includes the root — and how many of them have a
 * published version. A root-node-scoped count of whole models (a scoped token's
 * `_allXMeta { count }` or `meta.total_count`) reads one row per root and model here instead of
 * walking the subtree, so it costs the same at a million records as at a thousand. Every write
 * that changes them (create, delete, publish, unpublish, move) steps them with `x = x + d` in its
 * own transaction; a record's or a model's rows go with it (cascade).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('item_subtree_counts')
    .addColumn('ancestor_id', 'integer', (c) => c.notNull().references('items.id').onDelete('cascade'))
    .addColumn('item_type_id', 'integer', (c) => c.notNull().references('item_types.id').onDelete('cascade'))
    .addColumn('total', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('published', 'integer', (c) => c.notNull().defaultTo(0))
    .addPrimaryKeyConstraint('item_subtree_counts_pk', ['ancestor_id', 'item_type_id'])
    .execute();
  // A model's rows go with the model: an index so its delete need not scan the table.
  await db.schema.createIndex('item_subtree_counts_item_type').on('item_subtree_counts').column('item_type_id').execute();
  // Backfilled from the rows already there, in the migration's transaction: each item's subtree is
  // the path range of migration 004 (byte-wise, hence "C" on PostgreSQL; see `subtree`).
  const collate = sql.raw(db.getExecutor().adapter instanceof PostgresAdapter ? ' collate "C"' : '');
  await sql`insert into item_subtree_counts (ancestor_id, item_type_id, total, published)
    select a.id, d.item_type_id, count(*), count(d.published)
    from items a join items d
      on d.path${collate} >= a.path${collate} and d.path${collate} < (substr(a.path, 1, length(a.path) - 1) || '0')${collate}
    group by a.id, d.item_type_id`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('item_subtree_counts').execute();
}
