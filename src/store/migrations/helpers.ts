import { PostgresAdapter, type CreateTableBuilder, type Kysely } from 'kysely';

/**
 * The one place the two dialects differ in DDL: an auto-incrementing integer primary key is
 * `serial` in PostgreSQL and `integer … autoincrement` in SQLite (AUTOINCREMENT also keeps SQLite
 * from reusing the id of a deleted row, so a deleted token's id never names a new one).
 */
export function idColumn<T extends string>(db: Kysely<unknown>, table: CreateTableBuilder<T, never>): CreateTableBuilder<T, 'id'> {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  return postgres ? table.addColumn('id', 'serial', (c) => c.primaryKey()) : table.addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement());
}
