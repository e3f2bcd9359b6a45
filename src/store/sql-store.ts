/**
 * @module
 * The one SQL implementation of the core's storage ports, for SQLite and PostgreSQL alike.
 *
 * Every write runs in a transaction that is serializable on both databases: SERIALIZABLE on
 * PostgreSQL, `BEGIN IMMEDIATE` (one writer at a time) on SQLite. A unit of work that lost a race
 * to another instance is re-run from the start (`retry.ts`), so its checks see the winner and it
 * answers the 4xx a serial order would give. The unit of work must therefore have no effect
 * outside the database before it commits: changes reach local listeners only after the commit.
 */
import { sql, type Kysely } from 'kysely';
import type { Store } from '../core/ports.ts';
import type { Database } from './schema.ts';
import { ChangeBus, type Change } from '../core/changes.ts';
import { createContext, type Dialect } from './sql-context.ts';
import { tokenQueries } from './sql-tokens.ts';
import { directoryQueries } from './sql-directory.ts';
import { auditQueries } from './sql-audit.ts';
import { contentQueries } from './sql-content.ts';
import { environmentQueries } from './sql-environments.ts';
import { withRetries } from './retry.ts';
import { SchemaCache } from './schema-cache.ts';
import { createRetryLock, type RetryLock } from './retry-lock.ts';

export interface SqlStore extends Store {
  readonly db: Kysely<Database>;
  readonly dialect: Dialect;
  readonly changes: ChangeBus;
  /**
   * A transaction that first takes the project's setup lock (see `SETUP_LOCK`), for the first
   * start: however many instances start at once, one initialises and the others, waiting for the
   * lock, then find the project initialised.
   */
  setupTransaction<T>(work: (store: Store) => Promise<T>): Promise<T>;
}

/**
 * PostgreSQL advisory lock (class, object) that serialises migrating and initialising one
 * project: the class is Latchkey's, the object the schema, so projects in other schemas of the
 * same database do not wait for each other.
 */
export const SETUP_LOCK_CLASS = 0x4c6b;
export const setupLockKey = sql`${SETUP_LOCK_CLASS}::int4, hashtext(current_schema())`;

/**
 * PostgreSQL advisory lock that re-runs take before they begin (see `attempt`). A unit of work
 * runs optimistically first; only one that already lost a race queues on this lock, so under
 * heavy contention on one hot spot (many writers adding records under one parent) the losers run
 * one at a time instead of aborting each other again until their attempts run out. Taken before
 * the transaction begins, so the transaction's snapshot includes what the previous holder committed.
 * Waiting for it holds no pooled connection and is bounded (see `retry-lock.ts`).
 */
const RETRY_LOCK_CLASS = 0x4c6c;
const retryLockKey = sql`${RETRY_LOCK_CLASS}::int4, hashtext(current_schema())`;

/**
 * How long an instance starting up waits for another one's migration or first-start setup (which
 * hold the setup lock) before giving up with an error: generous, as a large migration may run for
 * minutes, but finite, so a stuck holder is reported rather than waited on forever.
 */
export const SETUP_LOCK_WAIT_MS = 10 * 60_000;

export interface SqlStoreOptions {
  readonly changes?: ChangeBus;
  /** How long the models are served from memory at most without reading them again (see `schema-cache.ts`). */
  readonly schemaTtlMs?: number;
}

/** The models are re-read at least this often even if no change was heard (offline writers). */
export const DEFAULT_SCHEMA_TTL_MS = 30_000;

export function createSqlStore(db: Kysely<Database>, dialect: Dialect, options: SqlStoreOptions = {}): SqlStore {
  const changes = options.changes ?? new ChangeBus();
  const direct = contentQueries(createContext(db, dialect, changes, null));
  const schema = new SchemaCache(() => direct.listItemTypes(), changes, { ttlMs: options.schemaTtlMs ?? DEFAULT_SCHEMA_TTL_MS });
  return build(db, dialect, changes, null, async () => db.destroy(), schema);
}

/**
 * The writes that take more than one statement, or announce a change. Called outside a
 * transaction, each runs in one of its own: its statements and its NOTIFY commit together
 * (PostgreSQL sends notifications at commit), so a crash between two statements leaves no half
 * of it behind and no instance can miss a committed change.
 */
const ATOMIC = [
  'createToken',
  'updateToken',
  'replaceSecret',
  'deleteToken',
  'createRole',
  'updateRole',
  'deleteRole',
  'createUser',
  'updateUser',
  'deleteUser',
  'initSite',
  'updateSite',
  'createItemType',
  'updateItemType',
  'deleteItemType',
  'createField',
  'updateField',
  'deleteField',
  'clearFieldValues',
  'renameFieldValues',
  'createItem',
  'updateItem',
  'deleteItem',
] as const satisfies readonly (keyof Store)[];

type AnyWrite = (...args: unknown[]) => Promise<unknown>;

function build(db: Kysely<Database>, dialect: Dialect, changes: ChangeBus, queue: Change[] | null, close: () => Promise<void>, schema: SchemaCache): SqlStore {
  const store = buildStore(db, dialect, changes, queue, close, schema);
  if (queue !== null) return store;
  const writes = store as unknown as Record<(typeof ATOMIC)[number], AnyWrite>;
  for (const name of ATOMIC) {
    writes[name] = (...args) => store.transaction((tx) => (tx[name] as AnyWrite)(...args));
  }
  return store;
}

/** One retry queue per database handle, shared by the stores built on it, so its bound is per instance. */
const retryLocks = new WeakMap<object, RetryLock>();
function sharedRetryLock(db: Kysely<Database>): RetryLock {
  let lock = retryLocks.get(db);
  if (!lock) {
    lock = createRetryLock(retryLockKey);
    retryLocks.set(db, lock);
  }
  return lock;
}

function buildStore(
  db: Kysely<Database>,
  dialect: Dialect,
  changes: ChangeBus,
  queue: Change[] | null,
  close: () => Promise<void>,
  schema: SchemaCache,
): SqlStore {
  const ctx = createContext(db, dialect, changes, queue);
  const retryLock = sharedRetryLock(db);

  /** One attempt of `work` in a fresh transaction; its changes are published once it committed. */
  async function attempt<T>(work: (store: Store) => Promise<T>, setup: boolean, retry: boolean): Promise<T> {
    const pending: Change[] = [];
    const run = (executor: Kysely<Database>) => {
      // The setup transaction stays READ COMMITTED: each statement after the lock then sees what
      // the instance that held the lock before committed (a SERIALIZABLE snapshot would predate it).
      const begin = dialect === 'postgres' && !setup ? executor.transaction().setIsolationLevel('serializable') : executor.transaction();
      return begin.execute(async (trx) => {
        if (setup && dialect === 'postgres') {
          // Waiting for another instance's first start is no slow query: cancelled by the server it
          // would end this start (57014 is not retried). The client's read timeout still bounds
          // the wait, and that counts as unavailable, so the start retries (see `serve.ts`).
          await sql`set local statement_timeout = 0`.execute(trx);
          await sql.raw(`set local lock_timeout = ${SETUP_LOCK_WAIT_MS}`).execute(trx);
          await sql`select pg_advisory_xact_lock(${setupLockKey})`.execute(trx);
        }
        return work(build(trx, dialect, changes, pending, close, schema));
      });
    };
    const result = retry && dialect === 'postgres' ? await retryLock.run(db, run) : await run(db);
    for (const change of pending) changes.publish(change);
    return result;
  }

  return {
    db,
    dialect,
    changes,
    ...tokenQueries(ctx),
    ...directoryQueries(ctx),
    ...auditQueries(ctx),
    ...environmentQueries(ctx),
    ...contentQueries(ctx),
    // Outside a transaction the models come from memory; inside one, from the transaction's snapshot.
    ...(queue === null ? { listItemTypes: () => schema.listItemTypes(), findItemType: (id: string) => schema.findItemType(id) } : {}),
    async transaction<T>(work: (store: Store) => Promise<T>): Promise<T> {
      if (queue) return work(this); // already inside one: join it (the outer one retries)
      return withRetries((n) => attempt(work, false, n > 1));
    },
    async setupTransaction<T>(work: (store: Store) => Promise<T>): Promise<T> {
      if (queue) return work(this);
      return withRetries(() => attempt(work, true, false));
    },
    close,
  };
}
