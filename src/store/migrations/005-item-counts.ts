import { sql, type Kysely } from 'kysely';

/**
 * Per-model record counters: how many records a model has, and how many of them have a published
 * version. An unscoped count of a whole model (`_allXMeta { count }`, the CMA's
 * `meta.total_count`) reads one row here instead of walking an index over every record, so it
 * costs the same at a million records as at a thousand. Every write that changes them (a record
 * created, deleted, published, unpublished; a model created or deleted) updates them in its own
 * transaction with `x = x + 1`, so they stay exact under concurrent writers (a serialization
 * conflict on PostgreSQL re-runs the write). Counts that depend on more than the model (scope,
 * creators, filters) keep counting the rows.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('item_counts')
    .addColumn('item_type_id', 'integer', (c) => c.primaryKey().references('item_types.id').onDelete('cascade'))
    .addColumn('total', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('published', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  // Backfilled from the rows already there, in the migration's transaction.
  await sql`insert into item_counts (item_type_id, total, published)
    select t.id,
      (select count(*) from items i where i.item_type_id = t.id),
      (select count(*) from items i where i.item_type_id = t.id and i.published is not null)
    from item_types t`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('item_counts').execute();
}
