import type { Kysely } from 'kysely';
import { idColumn } from './helpers.ts';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('site')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('time_zone', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  await idColumn(db, db.schema.createTable('roles'))
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('attributes', 'text', (c) => c.notNull())
    .addColumn('inherits_from', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  await idColumn(db, db.schema.createTable('users'))
    .addColumn('email', 'text', (c) => c.notNull().unique())
    .addColumn('full_name', 'text', (c) => c.notNull())
    .addColumn('is_active', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('role_id', 'integer', (c) => c.notNull().references('roles.id').onDelete('restrict'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  await idColumn(db, db.schema.createTable('access_tokens'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('secret_hash', 'text', (c) => c.notNull().unique())
    .addColumn('sealed_secret', 'text')
    .addColumn('display_key', 'text', (c) => c.notNull())
    .addColumn('hardcoded_type', 'text')
    .addColumn('can_access_cda', 'integer', (c) => c.notNull())
    .addColumn('can_access_cda_preview', 'integer', (c) => c.notNull())
    .addColumn('can_access_cma', 'integer', (c) => c.notNull())
    .addColumn('role_id', 'integer', (c) => c.references('roles.id').onDelete('restrict'))
    .addColumn('user_id', 'integer', (c) => c.references('users.id').onDelete('restrict'))
    .addColumn('permissions', 'text', (c) => c.notNull())
    .addColumn('root_node_ids', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('enabled', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('expires_at', 'text')
    .addColumn('ip_allowlist', 'text')
    .addColumn('rate_limit', 'text')
    .addColumn('created_by_token_id', 'integer')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('rotated_at', 'text')
    .addColumn('last_cma_access_at', 'text')
    .addColumn('last_cda_access_at', 'text')
    .execute();

  await db.schema
    .createTable('previous_secrets')
    .addColumn('secret_hash', 'text', (c) => c.primaryKey())
    .addColumn('token_id', 'integer', (c) => c.notNull().references('access_tokens.id').onDelete('cascade'))
    .addColumn('valid_until', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('previous_secrets_token').on('previous_secrets').column('token_id').execute();
  await db.schema.createIndex('users_role').on('users').column('role_id').execute();
  await db.schema.createIndex('access_tokens_role').on('access_tokens').column('role_id').execute();
  await db.schema.createIndex('access_tokens_user').on('access_tokens').column('user_id').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['previous_secrets', 'access_tokens', 'users', 'roles', 'site']) {
    await db.schema.dropTable(table).execute();
  }
}
