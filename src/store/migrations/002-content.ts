import type { Kysely } from 'kysely';
import { idColumn } from './helpers.ts';

/**
 * Item types and items. `path` is a materialised path (`/website/…/parent/self/`): the root-node
 * scope check needs an item's ancestors on every single-item request, and carrying them in the row
 * makes that check free (no recursive query per request) and lets lists prefilter a subtree with one
 * `LIKE`. The price is paid on the rare move of an item to another parent, which rewrites the
 * subtree's paths in one UPDATE.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await idColumn(db, db.schema.createTable('item_types'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('api_key', 'text', (c) => c.notNull().unique())
    .addColumn('fields', 'text', (c) => c.notNull())
    .addColumn('tree', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  await idColumn(db, db.schema.createTable('items'))
    .addColumn('item_type_id', 'integer', (c) => c.notNull().references('item_types.id').onDelete('restrict'))
    .addColumn('parent_id', 'integer', (c) => c.references('items.id').onDelete('restrict'))
    .addColumn('position', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('path', 'text', (c) => c.notNull())
    .addColumn('current', 'text', (c) => c.notNull())
    .addColumn('published', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('creator_type', 'text', (c) => c.notNull())
    .addColumn('creator_id', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('published_at', 'text')
    .execute();
  await db.schema.createIndex('items_parent').on('items').column('parent_id').execute();
  await db.schema.createIndex('items_item_type').on('items').column('item_type_id').execute();
  await db.schema.createIndex('items_creator').on('items').columns(['creator_type', 'creator_id']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('items').execute();
  await db.schema.dropTable('item_types').execute();
}
