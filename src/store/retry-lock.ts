/**
 * @module
 * The queue that re-runs of a lost race wait in on PostgreSQL (see `sql-store.ts`). Waiting must
 * not hold a pooled connection: ten writers blocked in `pg_advisory_lock` would occupy the pool, so
 * unrelated reads would time out. So a waiter tries the lock (`pg_try_advisory_lock`), gives its
 * connection back when the lock is taken, and tries again after a jittered pause; a waiter that
 * has not got it within `waitMs`, or that finds `maxWaiting` others already waiting on this
 * instance, gives up with 409 CONFLICT (nothing was changed; the client may retry).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { sql, type Kysely, type RawBuilder } from 'kysely';
import { ApiProblem } from '../core/errors.ts';

export interface RetryLockOptions {
  /** How long one re-run waits for the lock at most (ms). */
  readonly waitMs: number;
  /** How many re-runs may wait on this instance at once; more answer 409 at once. */
  readonly maxWaiting: number;
  readonly random?: () => number;
}

/** Within the 5 s statement timeout a request's other statements also have to fit into. */
export const RETRY_LOCK_DEFAULTS: RetryLockOptions = { waitMs: 3_000, maxWaiting: 32 };

/** Pauses between tries: 5 ms doubling up to 100 ms, with full jitter so waiters do not try in lockstep. */
const FIRST_PAUSE_MS = 5;
const MAX_PAUSE_MS = 100;

const conflict = () => new ApiProblem('CONFLICT', { message: 'The resource was changed by concurrent requests; retry the request' });

export interface RetryLock {
  /** Runs `work` on one connection while holding the lock; 409 CONFLICT if the lock does not come. */
  run<T, DB>(db: Kysely<DB>, work: (conn: Kysely<DB>) => Promise<T>): Promise<T>;
  /** Re-runs waiting for the lock on this instance right now. */
  readonly waiting: number;
}

export function createRetryLock(key: RawBuilder<unknown>, options: RetryLockOptions = RETRY_LOCK_DEFAULTS): RetryLock {
  const random = options.random ?? Math.random;
  let waiting = 0;
  const NOT_TAKEN = Symbol('not taken');

  const tryOnce = <T, DB>(db: Kysely<DB>, work: (conn: Kysely<DB>) => Promise<T>): Promise<T | typeof NOT_TAKEN> =>
    db.connection().execute(async (conn) => {
      const { rows } = await sql<{ taken: boolean }>`select pg_try_advisory_lock(${key}) as taken`.execute(conn);
      if (rows[0]?.taken !== true) return NOT_TAKEN;
      try {
        return await work(conn);
      } finally {
        await sql`select pg_advisory_unlock(${key})`.execute(conn);
      }
    });

  return {
    get waiting() {
      return waiting;
    },
    async run<T, DB>(db: Kysely<DB>, work: (conn: Kysely<DB>) => Promise<T>): Promise<T> {
      if (waiting >= options.maxWaiting) throw conflict();
      waiting++;
      let counted = true;
      const deadline = Date.now() + options.waitMs;
      try {
        for (let n = 0; ; n++) {
          const result = await tryOnce(db, async (conn) => {
            // Taken: no longer waiting, whatever the work then takes.
            waiting--;
            counted = false;
            return work(conn);
          });
          if (result !== NOT_TAKEN) return result;
          if (Date.now() >= deadline) throw conflict();
          await sleep(random() * Math.min(MAX_PAUSE_MS, FIRST_PAUSE_MS * 2 ** n));
        }
      } finally {
        if (counted) waiting--;
      }
    },
  };
}
