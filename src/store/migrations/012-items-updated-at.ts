import type { Kysely } from 'kysely';

/**
 * An index on `items.updated_at`: the environment's `last_data_change_at` (the newest change of
 * any record) and lists ordered by `_updated_at` read one end of it instead of every record.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createIndex('items_updated_at').on('items').column('updated_at').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('items_updated_at').execute();
}
