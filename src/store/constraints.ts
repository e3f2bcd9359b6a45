/**
 * @module
 * What the database says when two writers collide. Unique columns (role names, user emails) are
 * checked by the services before writing, but two concurrent requests can both pass that check;
 * the database's unique index then decides, and its error must reach the client as the same 422
 * the check would have given, not as a 500. The transaction runner (see `retry.ts`) re-runs a
 * unit of work that lost such a collision, so the re-run's own checks see the winner.
 */
import { ApiProblem } from '../core/errors.ts';

const codeOf = (error: unknown): unknown => (error as { code?: unknown } | null)?.code;

function isUniqueViolation(error: unknown): boolean {
  const code = codeOf(error);
  // PostgreSQL SQLSTATE unique_violation; better-sqlite3's extended result code.
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE';
}

/**
 * Errors that mean "another transaction got there first", not "this request is wrong": a
 * serialization failure (40001) or deadlock (40P01) under SERIALIZABLE, and a unique (23505) or
 * foreign-key (23503) violation caused by a row another transaction wrote or deleted after our
 * checks ran. Re-running the whole unit of work is the fix for each: the re-run's checks see the
 * committed winner and answer the proper 4xx (or succeed). A `unique()` problem keeps the
 * database error as its cause, so it counts too.
 */
export function isCollision(error: unknown): boolean {
  return isSerializationFailure(error) || isConstraintCollision(error);
}

/** The database stopped one of two interleaved transactions (PostgreSQL SERIALIZABLE, deadlock). */
export function isSerializationFailure(error: unknown): boolean {
  const code = codeOf(error);
  return code === '40001' || code === '40P01';
}

/**
 * A unique or foreign-key violation. Retried fewer times than a serialization failure: one re-run
 * sees the winner, so a violation that outlives two re-runs is not a race.
 */
export function isConstraintCollision(error: unknown): boolean {
  const code = codeOf(error);
  if (code === '23505' || code === '23503' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_FOREIGNKEY') return true;
  return error instanceof ApiProblem && error.cause !== undefined && isConstraintCollision(error.cause);
}

/** Runs a write; a unique violation becomes INVALID_FIELD naming `field`. */
export async function unique<T>(field: string, message: string, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    const problem = new ApiProblem('INVALID_FIELD', { field, code: 'VALIDATION_UNIQUENESS', message });
    problem.cause = error;
    throw problem;
  }
}
