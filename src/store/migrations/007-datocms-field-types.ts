import { sql, type Kysely } from 'kysely';

/**
 * Field types take DatoCMS's names: the one that differed, `datetime`, becomes `date_time` in every
 * model's field list. Rewritten row by row in the migration's transaction (the list is JSON text
 * on both databases).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const { rows } = await sql<{ id: number | string; fields: string }>`select id, fields from item_types`.execute(db);
  for (const row of rows) {
    const fields = JSON.parse(row.fields) as { field_type: string }[];
    if (!fields.some((f) => f.field_type === 'datetime')) continue;
    const renamed = fields.map((f) => (f.field_type === 'datetime' ? { ...f, field_type: 'date_time' } : f));
    await sql`update item_types set fields = ${JSON.stringify(renamed)} where id = ${row.id}`.execute(db);
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  const { rows } = await sql<{ id: number | string; fields: string }>`select id, fields from item_types`.execute(db);
  for (const row of rows) {
    const fields = JSON.parse(row.fields) as { field_type: string }[];
    const renamed = fields.map((f) => (f.field_type === 'date_time' ? { ...f, field_type: 'datetime' } : f));
    await sql`update item_types set fields = ${JSON.stringify(renamed)} where id = ${row.id}`.execute(db);
  }
}
