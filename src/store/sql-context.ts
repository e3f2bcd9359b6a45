import { sql, type Kysely } from 'kysely';
import type { Database } from './schema.ts';
import type { Change, ChangeBus } from '../core/changes.ts';

/** The PostgreSQL channel changes are announced on (`runtime/pg-listener.ts` listens to it). */
export const CHANGE_CHANNEL = 'latchkey_changes';

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
