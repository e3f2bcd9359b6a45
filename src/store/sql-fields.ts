/**
 * @module
 * A model's fields (rows of their own, see migration 009) and the record-wide value moves a field
 * change brings: clearing a removed field's values and moving a renamed one's, in `current` and
 * `published` alike, each one UPDATE. Both databases hold the values as JSON text; SQLite edits it
 * with its JSON functions, PostgreSQL through `jsonb`.
 */
import { sql, type Selectable } from 'kysely';
import type { FieldAppearance, FieldDefinition, FieldType, NewField, Validators } from '../core/content/model.ts';
import type { ContentStore } from '../core/content/ports.ts';
import { json, optionalJson, rowId } from './rows.ts';
import type { SqlContext } from './sql-context.ts';
import type { FieldTable } from './schema.ts';

export function toField(row: Selectable<FieldTable>): FieldDefinition {
  return {
    id: String(row.id),
    api_key: row.api_key,
    label: row.label,
    field_type: row.field_type as FieldType,
    validators: JSON.parse(row.validators) as Validators,
    position: row.position,
    hint: row.hint,
    default_value: row.default_value === null ? null : (JSON.parse(row.default_value) as unknown),
    localized: false,
    appearance: JSON.parse(row.appearance) as FieldAppearance,
  };
}

const columns = (f: NewField) => ({
  api_key: f.api_key,
  label: f.label,
  field_type: f.field_type,
  validators: json(f.validators),
  position: f.position,
  hint: f.hint,
  default_value: optionalJson(f.default_value),
  appearance: json(f.appearance),
});

/** A JSON path to one top-level key; api keys are snake_case words, so they need no quoting. */
const path = (apiKey: string) => `$.${apiKey}`;

type FieldQueries = Pick<ContentStore, 'createField' | 'updateField' | 'deleteField' | 'clearFieldValues' | 'renameFieldValues' | 'countWithValue'>;

export function fieldQueries(ctx: SqlContext): FieldQueries {
  const { db } = ctx;
  const postgres = ctx.dialect === 'postgres';
  const byId = async (id: number) => {
    const row = await db.selectFrom('fields').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toField(row) : null;
  };
  return {
    async createField(itemTypeId, field) {
      const { id } = await db
        .insertInto('fields')
        .values({ item_type_id: Number(itemTypeId), ...columns(field) })
        .returning('id')
        .executeTakeFirstOrThrow();
      await ctx.announce({ kind: 'schema' });
      return (await byId(id))!;
    },
    async updateField(id, field) {
      const key = rowId(id);
      if (key === null) return null;
      const result = await db.updateTable('fields').set(columns(field)).where('id', '=', key).executeTakeFirst();
      if (Number(result.numUpdatedRows) === 0) return null;
      await ctx.announce({ kind: 'schema' });
      return byId(key);
    },
    async deleteField(id) {
      const key = rowId(id);
      if (key === null) return false;
      const result = await db.deleteFrom('fields').where('id', '=', key).executeTakeFirst();
      await ctx.announce({ kind: 'schema' });
      return Number(result.numDeletedRows) > 0;
    },
    async clearFieldValues(itemTypeId, apiKey) {
      const model = Number(itemTypeId);
      if (postgres) {
        await sql`update items set current = (current::jsonb - ${apiKey}::text)::text,
          published = (published::jsonb - ${apiKey}::text)::text where item_type_id = ${model}`.execute(db);
      } else {
        await sql`update items set current = json_remove(current, ${path(apiKey)}),
          published = json_remove(published, ${path(apiKey)}) where item_type_id = ${model}`.execute(db);
      }
    },
    async renameFieldValues(itemTypeId, from, to) {
      const model = Number(itemTypeId);
      if (postgres) {
        const moved = (column: 'current' | 'published') =>
          sql`((${sql.ref(column)}::jsonb - ${from}::text) || jsonb_build_object(${to}::text, ${sql.ref(column)}::jsonb -> ${from}::text))::text`;
        await sql`update items set current = ${moved('current')}, published = ${moved('published')} where item_type_id = ${model}`.execute(db);
      } else {
        // `json(… -> …)` keeps an object or list value JSON rather than turning it into a string.
        const moved = (column: 'current' | 'published') =>
          sql`json_set(json_remove(${sql.ref(column)}, ${path(from)}), ${path(to)}, json(${sql.ref(column)} -> ${path(from)}))`;
        await sql`update items set current = ${moved('current')}, published = ${moved('published')} where item_type_id = ${model}`.execute(db);
      }
    },
    async countWithValue(itemTypeId, apiKey, value, exceptId) {
      const except = exceptId === null ? -1 : (rowId(exceptId) ?? -1);
      const same = postgres
        ? sql<boolean>`current::jsonb -> ${apiKey}::text = ${JSON.stringify(value)}::jsonb`
        : sql<boolean>`json_extract(current, ${path(apiKey)}) = ${value}`;
      const row = await db
        .selectFrom('items')
        .select(sql<number>`count(*)`.as('n'))
        .where('item_type_id', '=', Number(itemTypeId))
        .where('id', '!=', except)
        .where(same)
        .executeTakeFirst();
      return Number(row?.n ?? 0);
    },
  };
}
