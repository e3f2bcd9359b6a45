import { sql, type Kysely } from 'kysely';
import { idColumn } from './helpers.ts';

interface OldField {
  api_key: string;
  label?: string;
  field_type: string;
  required?: boolean;
}

/** DatoCMS's default editor per field type (what the field endpoints return when none was given). */
const EDITORS: Record<string, string> = {
  string: 'single_line',
  text: 'textarea',
  integer: 'integer',
  float: 'float',
  boolean: 'boolean',
  date: 'date_picker',
  date_time: 'date_time_picker',
  json: 'json',
  link: 'link_select',
  links: 'links_select',
  slug: 'slug',
  color: 'color_picker',
  lat_lon: 'map',
  seo: 'seo',
};

/**
 * Fields become rows of their own, as DatoCMS has them (a resource with an id, validators and a
 * position), and models gain DatoCMS's attributes. Every model's JSON field list moves into rows in
 * its order; `required: true` becomes the `required` validator. Link fields stay without the
 * `item_item_type`/`items_item_type` validator a new one needs: they keep pointing at any model, and
 * the delivery schema keeps typing them as before. Models already stored keep draft mode on, so their records keep the
 * draft → publish lifecycle they were written with; new models default to DatoCMS's off.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await idColumn(db, db.schema.createTable('fields'))
    .addColumn('item_type_id', 'integer', (c) => c.notNull().references('item_types.id').onDelete('cascade'))
    .addColumn('api_key', 'text', (c) => c.notNull())
    .addColumn('label', 'text', (c) => c.notNull())
    .addColumn('field_type', 'text', (c) => c.notNull())
    .addColumn('validators', 'text', (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('hint', 'text')
    .addColumn('default_value', 'text')
    .addColumn('appearance', 'text', (c) => c.notNull())
    .addUniqueConstraint('fields_item_type_api_key', ['item_type_id', 'api_key'])
    .execute();

  await db.schema
    .alterTable('item_types')
    .addColumn('draft_mode_active', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema
    .alterTable('item_types')
    .addColumn('singleton', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema
    .alterTable('item_types')
    .addColumn('settings', 'text', (c) => c.notNull().defaultTo('{}'))
    .execute();
  await db.schema
    .alterTable('item_types')
    .addColumn('field_refs', 'text', (c) => c.notNull().defaultTo('{}'))
    .execute();
  await sql`update item_types set draft_mode_active = 1`.execute(db);

  const { rows } = await sql<{ id: number | string; fields: string }>`select id, fields from item_types order by id`.execute(db);
  for (const row of rows) {
    const fields = JSON.parse(row.fields) as OldField[];
    for (const [index, field] of fields.entries()) {
      const validators: Record<string, unknown> = {};
      if (field.required && field.field_type !== 'boolean' && field.field_type !== 'links') validators.required = {};
      const appearance = { editor: EDITORS[field.field_type] ?? 'default', parameters: {}, addons: [] };
      await sql`insert into fields (item_type_id, api_key, label, field_type, validators, position, hint, default_value, appearance)
        values (${row.id}, ${field.api_key}, ${field.label ?? field.api_key}, ${field.field_type}, ${JSON.stringify(validators)}, ${index + 1}, ${null}, ${null}, ${JSON.stringify(appearance)})`.execute(
        db,
      );
    }
  }
  await db.schema.alterTable('item_types').dropColumn('fields').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('item_types')
    .addColumn('fields', 'text', (c) => c.notNull().defaultTo('[]'))
    .execute();
  const { rows } = await sql<{ item_type_id: number | string; api_key: string; label: string; field_type: string; validators: string }>`
    select item_type_id, api_key, label, field_type, validators from fields order by item_type_id, position`.execute(db);
  const lists = new Map<string, OldField[]>();
  for (const row of rows) {
    const list = lists.get(String(row.item_type_id)) ?? [];
    list.push({ api_key: row.api_key, label: row.label, field_type: row.field_type, required: 'required' in (JSON.parse(row.validators) as object) });
    lists.set(String(row.item_type_id), list);
  }
  for (const [id, list] of lists) await sql`update item_types set fields = ${JSON.stringify(list)} where id = ${Number(id)}`.execute(db);
  await db.schema.dropTable('fields').execute();
  for (const column of ['field_refs', 'settings', 'singleton', 'draft_mode_active']) await db.schema.alterTable('item_types').dropColumn(column).execute();
}
