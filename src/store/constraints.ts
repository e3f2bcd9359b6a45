/**
 * @module
 * Unique columns (role names, user emails) are checked by the services before writing, but two
 * concurrent requests can both pass that check; the database's unique index then decides, and its
 * error must reach the client as the same 422 the check would have given, not as a 500.
 */
import { ApiProblem } from '../core/errors.ts';

function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  // PostgreSQL SQLSTATE unique_violation; better-sqlite3's extended result code.
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE';
}

/** Runs a write; a unique violation becomes INVALID_FIELD naming `field`. */
export async function unique<T>(field: string, message: string, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (isUniqueViolation(error)) throw new ApiProblem('INVALID_FIELD', { field, code: 'VALIDATION_UNIQUENESS', message });
    throw error;
  }
}
