/**
 * @module
 * What the environment resource reads from the database: when its data last changed.
 */
import { sql } from 'kysely';
import type { EnvironmentStore } from '../core/ports.ts';
import type { SqlContext } from './sql-context.ts';

export function environmentQueries(ctx: SqlContext): EnvironmentStore {
  const { db } = ctx;
  return {
    async lastDataChangeAt() {
      // One row per table: the site settings, the newest model change, the newest record change.
      // ISO-8601 UTC strings of one fixed format compare like the instants they name.
      const { rows } = await sql<{ at: string | null }>`
        select updated_at as at from site
        union all select max(updated_at) as at from item_types
        union all select max(updated_at) as at from items`.execute(db);
      let latest: string | null = null;
      for (const { at } of rows) if (at !== null && (latest === null || at > latest)) latest = at;
      return latest;
    },
  };
}
