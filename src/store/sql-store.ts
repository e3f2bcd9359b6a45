/**
 * @module
 * The one SQL implementation of the core's storage ports, for SQLite and PostgreSQL alike.
 */
import type { Kysely } from 'kysely';
import type { Store } from '../core/ports.ts';
import type { Database } from './schema.ts';
import { ChangeBus, type Change } from './changes.ts';
import { createContext, type Dialect } from './sql-context.ts';
import { tokenQueries } from './sql-tokens.ts';
import { directoryQueries } from './sql-directory.ts';
import { contentQueries } from './sql-content.ts';

export interface SqlStore extends Store {
  readonly db: Kysely<Database>;
  readonly dialect: Dialect;
  readonly changes: ChangeBus;
}

export function createSqlStore(db: Kysely<Database>, dialect: Dialect, changes = new ChangeBus()): SqlStore {
  return build(db, dialect, changes, null, async () => db.destroy());
}

function build(db: Kysely<Database>, dialect: Dialect, changes: ChangeBus, queue: Change[] | null, close: () => Promise<void>): SqlStore {
  const ctx = createContext(db, dialect, changes, queue);
  return {
    db,
    dialect,
    changes,
    ...tokenQueries(ctx),
    ...directoryQueries(ctx),
    ...contentQueries(ctx),
    async transaction<T>(work: (store: Store) => Promise<T>): Promise<T> {
      if (queue) return work(this); // already inside one: join it
      const pending: Change[] = [];
      const result = await db.transaction().execute((trx) => work(build(trx, dialect, changes, pending, close)));
      for (const change of pending) changes.publish(change);
      return result;
    },
    close,
  };
}
