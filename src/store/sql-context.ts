import { sql, type Kysely } from 'kysely';
import type { Database } from './schema.ts';
import { CHANGE_CHANNEL, type Change, type ChangeBus } from './changes.ts';

export type Dialect = 'sqlite' | 'postgres';

/** What the query modules share: the executor (a connection or a transaction) and `announce`. */
export interface SqlContext {
  readonly db: Kysely<Database>;
  readonly dialect: Dialect;
  /** Announces a change: NOTIFY in the same transaction on PostgreSQL, local listeners after commit. */
  announce(change: Change): Promise<void>;
}

export function createContext(db: Kysely<Database>, dialect: Dialect, bus: ChangeBus, queue: Change[] | null): SqlContext {
  return {
    db,
    dialect,
    async announce(change) {
      if (dialect === 'postgres') await sql`select pg_notify(${CHANGE_CHANNEL}, ${JSON.stringify(change)})`.execute(db);
      if (queue) queue.push(change);
      else bus.publish(change);
    },
  };
}
