/**
 * The plan a database chooses for a query, as text: SQLite's `detail` lines, PostgreSQL's
 * `QUERY PLAN` lines. Sequential scans are switched off on PostgreSQL for the question: on a
 * test-sized table a scan is cheaper and would be chosen; what matters is whether an index can
 * serve the query.
 */
import { CompiledQuery, sql, type Kysely } from 'kysely';
import type { Database } from '../../src/store/schema.ts';
import type { DialectName } from './databases.ts';

export async function queryPlan(
  db: Kysely<Database>,
  dialect: DialectName,
  query: { compile(): { sql: string; parameters: readonly unknown[] } },
): Promise<string> {
  const compiled = query.compile();
  return db.transaction().execute(async (trx) => {
    if (dialect === 'postgres') await sql`set local enable_seqscan = off`.execute(trx);
    const explain = dialect === 'sqlite' ? 'explain query plan ' : 'explain ';
    const result = await trx.executeQuery<Record<string, unknown>>(CompiledQuery.raw(explain + compiled.sql, [...compiled.parameters]));
    return result.rows.map((r) => String(r.detail ?? r['QUERY PLAN'])).join('\n');
  });
}
