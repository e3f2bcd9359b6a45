import type { Kysely } from 'kysely';

/** Origin binding: the browser origins a token may be used from (JSON list; null: any origin). */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('access_tokens').addColumn('allowed_origins', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('access_tokens').dropColumn('allowed_origins').execute();
}
