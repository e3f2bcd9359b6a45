/**
 * @module
 * Re-running a unit of work that lost a race. PostgreSQL runs every store transaction at
 * SERIALIZABLE, so two writers that would interleave into a state no serial order produces are
 * stopped by the database (40001); the loser is re-run from the start and sees the winner. A few
 * attempts with jittered, growing pauses settle any pair of writers; a unit of work that still
 * collides after the last one is answered 409 CONFLICT (the client may retry), never 500.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { ApiProblem } from '../core/errors.ts';
import { isCollision, isSerializationFailure } from './constraints.ts';

export const MAX_ATTEMPTS = 10;
/** For unique and foreign-key violations (see `isConstraintCollision`). */
export const MAX_CONSTRAINT_ATTEMPTS = 3;

/** Base pause before attempt n+1 (ms); doubled each time, up to 200 ms, with full jitter. */
const BASE_PAUSE_MS = 2;
const MAX_PAUSE_MS = 200;

/** `attempt(n)`: n counts from 1; the store runs re-runs (n > 1) under its retry lock. */
export async function withRetries<T>(attempt: (n: number) => Promise<T>, random: () => number = Math.random): Promise<T> {
  for (let n = 1; ; n++) {
    try {
      return await attempt(n);
    } catch (error) {
      if (!isCollision(error)) throw error;
      if (n >= (isSerializationFailure(error) ? MAX_ATTEMPTS : MAX_CONSTRAINT_ATTEMPTS)) {
        // A problem the re-runs kept reaching (a duplicate name) is the right answer as it stands.
        if (error instanceof ApiProblem) throw error;
        throw new ApiProblem('CONFLICT', { message: 'The resource was changed by concurrent requests; retry the request' });
      }
      // Full jitter: colliding writers that retry in lockstep would collide again.
      await sleep(random() * Math.min(MAX_PAUSE_MS, BASE_PAUSE_MS * 2 ** n));
    }
  }
}
