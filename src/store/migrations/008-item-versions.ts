import { sql, type Kysely } from 'kysely';

/**
 * Record versions, as DatoCMS's `meta.current_version` and `meta.first_published_at` expose them:
 * `version` counts the record's saves (a write naming an older one is stale), and
 * `first_published_at` is the first publication, kept across unpublishing. Records already there
 * start at version 1; those published now were first published, as far as anything recorded tells,
 * at their current publication.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('items')
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .execute();
  await db.schema.alterTable('items').addColumn('first_published_at', 'text').execute();
  await sql`update items set first_published_at = published_at where published_at is not null`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('items').dropColumn('first_published_at').execute();
  await db.schema.alterTable('items').dropColumn('version').execute();
}
