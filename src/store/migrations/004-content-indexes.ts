import { PostgresAdapter, sql, type Kysely } from 'kysely';

/**
 * Indexes for content reads done by the database (lists, counts, lookups and traversals run in
 * SQL with the read rule):
 * - `(item_type_id, id, path)`: a model's page in creation order and its count, without a sort,
 *   the path at hand for a root-node check on the way; the same again over published records
 *   only (a partial index), which is what the delivery API reads: its pages and counts never
 *   touch a row they do not return;
 * - `path`: root-node scope and subtrees as a prefix range (`path >= '/1/7/' and path < '/1/70'`).
 *   On PostgreSQL the index is on `path collate "C"`, the byte-wise comparison the queries use:
 *   under a locale collation the range would be wrong and could not use the index;
 * - `(item_type_id, path)`, and again over published records: a model's records inside a root
 *   node's subtree found (and counted) from the index alone, whichever plan the database picks
 *   without statistics, instead of a lookup of every row of the model or of the subtree;
 * - `(parent_id, position)`: the children of a page of records, in their order.
 * The creator columns are indexed since 002; the `on_creator: role` semi-join uses the role
 * indexes of `access_tokens` and `users` from 001.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  await db.schema.dropIndex('items_item_type').execute();
  await db.schema.createIndex('items_type_id').on('items').columns(['item_type_id', 'id', 'path']).execute();
  await db.schema
    .createIndex('items_published_type_id')
    .on('items')
    .columns(['item_type_id', 'id', 'path'])
    .where(sql.ref('published'), 'is not', null)
    .execute();
  if (postgres) {
    await sql`create index items_path on items (path collate "C")`.execute(db);
    await sql`create index items_type_path on items (item_type_id, path collate "C")`.execute(db);
    await sql`create index items_published_type_path on items (item_type_id, path collate "C") where published is not null`.execute(db);
  } else {
    await db.schema.createIndex('items_path').on('items').column('path').execute();
    await db.schema.createIndex('items_type_path').on('items').columns(['item_type_id', 'path']).execute();
    await db.schema
      .createIndex('items_published_type_path')
      .on('items')
      .columns(['item_type_id', 'path'])
      .where(sql.ref('published'), 'is not', null)
      .execute();
  }
  await db.schema.dropIndex('items_parent').execute();
  await db.schema.createIndex('items_parent_position').on('items').columns(['parent_id', 'position', 'id']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('items_parent_position').execute();
  await db.schema.createIndex('items_parent').on('items').column('parent_id').execute();
  await db.schema.dropIndex('items_published_type_path').execute();
  await db.schema.dropIndex('items_type_path').execute();
  await db.schema.dropIndex('items_path').execute();
  await db.schema.dropIndex('items_published_type_id').execute();
  await db.schema.dropIndex('items_type_id').execute();
  await db.schema.createIndex('items_item_type').on('items').column('item_type_id').execute();
}
