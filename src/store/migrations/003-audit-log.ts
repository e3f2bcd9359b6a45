import type { Kysely } from 'kysely';
import { idColumn } from './helpers.ts';

export async function up(db: Kysely<unknown>): Promise<void> {
  await idColumn(db, db.schema.createTable('audit_log_events'))
    .addColumn('occurred_at', 'text', (c) => c.notNull())
    .addColumn('actor_type', 'text', (c) => c.notNull())
    .addColumn('actor_id', 'text')
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('subject_type', 'text', (c) => c.notNull())
    .addColumn('subject_id', 'text')
    .addColumn('client_ip', 'text')
    .addColumn('request_id', 'text')
    .addColumn('changes', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('audit_log_events_occurred_at').on('audit_log_events').column('occurred_at').execute();
  await db.schema.createIndex('audit_log_events_action').on('audit_log_events').column('action').execute();
  await db.schema.createIndex('audit_log_events_actor').on('audit_log_events').column('actor_id').execute();
  await db.schema.createIndex('audit_log_events_subject').on('audit_log_events').columns(['subject_type', 'subject_id']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('audit_log_events').execute();
}
