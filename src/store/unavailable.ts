/**
 * @module
 * The one place that tells "the database is not there right now" and "the database took too long"
 * from every other failure. The store's driver wraps such driver errors into `DatabaseUnavailable`
 * and `QueryTimeout` at its boundary (see `guarded-dialect.ts`), and only those classes count: an
 * `ECONNRESET` from Redis or from a client's socket is no database outage, and reporting it as one
 * would hide it.
 *
 * Unavailable (503 with `Retry-After`; the same request may well succeed a moment later): socket
 * failures reaching PostgreSQL (refused, reset, broken pipe, timed out, unreachable, its host name
 * not resolving), node-postgres's own connection and pool timeouts, the SQLSTATEs of a server that
 * is going away, starting up or out of connections, and SQLite's busy and locked results (another
 * process holds the write lock past `busy_timeout`).
 *
 * Timed out (504, no `Retry-After`): a statement cancelled by `statement_timeout` (57014). Retrying
 * a slow query makes it no faster; it is a slow-query bug to find in the log.
 */

/** errno codes of a connection that could not be made or was lost (ENOTFOUND: a stopped host's DNS name). */
const SOCKET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'EAI_AGAIN',
  'ENOTFOUND',
  'ECONNABORTED',
]);

/**
 * SQLSTATEs: class 08 (connection exception) is matched by prefix except 08P01 (protocol
 * violation, e.g. too many bound parameters: a bug in the statement, not an outage); these are the
 * rest. 57P01 admin_shutdown, 57P02 crash_shutdown, 57P03 cannot_connect_now (starting up or
 * shutting down), 53300 too_many_connections.
 */
const SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300']);
const PROTOCOL_VIOLATION = '08P01';
const QUERY_CANCELED = '57014';

/** Messages node-postgres and pg-pool use for connection trouble; they carry no code. */
const PG_MESSAGES = [
  /^Connection terminated/,
  /^timeout exceeded when trying to connect/,
  /^Query read timeout/,
  /^Client has encountered a connection error and is not queryable/,
  /^Client was closed and is not queryable/,
];

const SQLITE_BUSY = /^SQLITE_(BUSY|LOCKED)/;

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** The database could not be reached or is going away; `cause` is the driver's error. */
export class DatabaseUnavailable extends Error {
  constructor(cause: unknown) {
    super(`The database is unavailable: ${messageOf(cause)}`, { cause });
    this.name = 'DatabaseUnavailable';
  }
}

/** The database cancelled a statement that ran past `statement_timeout`; `cause` is the driver's error. */
export class QueryTimeout extends Error {
  constructor(cause: unknown) {
    super(`A database statement ran past its time limit: ${messageOf(cause)}`, { cause });
    this.name = 'QueryTimeout';
  }
}

function classifyOne(error: unknown): boolean {
  if (error === null || typeof error !== 'object') return false;
  const { code, syscall, message } = error as { code?: unknown; syscall?: unknown; message?: unknown };
  if (typeof code === 'string') {
    if (SOCKET_CODES.has(code)) return true;
    // A Unix-socket path that is gone (the server is down); only for connects, so a missing file elsewhere stays a bug.
    if (code === 'ENOENT' && syscall === 'connect') return true;
    if ((/^08[0-9A-Z]{3}$/.test(code) && code !== PROTOCOL_VIOLATION) || SQLSTATES.has(code)) return true;
    if (SQLITE_BUSY.test(code)) return true;
  }
  return typeof message === 'string' && PG_MESSAGES.some((pattern) => pattern.test(message));
}

/** Whether some error in the `cause` chain (or an AggregateError's members) satisfies `test`. */
function anyInChain(error: unknown, test: (e: object) => boolean, depth = 0): boolean {
  if (depth > 5 || error === null || typeof error !== 'object') return false;
  if (test(error)) return true;
  if (error instanceof AggregateError && error.errors.some((inner) => anyInChain(inner, test, depth + 1))) return true;
  return anyInChain((error as { cause?: unknown }).cause, test, depth + 1);
}

/**
 * Whether a driver's `error` means the database is unreachable, restarting, overloaded or locked.
 * For errors known to come from the database driver only (the dialect guard, the change listener).
 * Looks through `cause` chains and AggregateErrors (Node reports a failed connect to every address
 * of a host name as one AggregateError).
 */
export function isUnavailableDriverError(error: unknown): boolean {
  return anyInChain(error, classifyOne);
}

/** Whether a driver's `error` is a statement cancelled by `statement_timeout`. */
export function isStatementTimeoutDriverError(error: unknown): boolean {
  return anyInChain(error, (e) => (e as { code?: unknown }).code === QUERY_CANCELED);
}

/** The store boundary: a driver error as the class it counts as, anything else unchanged. */
export function classifyDriverError(error: unknown): unknown {
  if (error instanceof DatabaseUnavailable || error instanceof QueryTimeout) return error;
  if (isStatementTimeoutDriverError(error)) return new QueryTimeout(error);
  if (isUnavailableDriverError(error)) return new DatabaseUnavailable(error);
  return error;
}

/** Whether the store reported the database away (a retryable 503). */
export function isDatabaseUnavailable(error: unknown): boolean {
  return anyInChain(error, (e) => e instanceof DatabaseUnavailable);
}

/** Whether the store reported a statement that ran past its time limit (a 504). */
export function isQueryTimeout(error: unknown): boolean {
  return anyInChain(error, (e) => e instanceof QueryTimeout);
}
