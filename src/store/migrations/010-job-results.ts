import type { Kysely } from 'kysely';

/**
 * Results of background jobs (DatoCMS's `job_result`): a bulk operation answers `202` with a job,
 * and its creator then reads the result at `GET /job-results/:id`. Stored in the database so that
 * any instance can serve the poll; `expires_at` bounds how long a result is kept.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('job_results')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('owner_token_id', 'text', (c) => c.notNull())
    .addColumn('status', 'integer', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('job_results_expires_at').on('job_results').column('expires_at').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('job_results').execute();
}
