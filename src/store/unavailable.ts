/**
 * @module
 * The one place that tells "the database is not there right now" from every other failure. Such a
 * request did nothing wrong and may well succeed a moment later, so the HTTP layer answers it with
 * 503 and `Retry-After` instead of a 500; everything else keeps meaning a bug.
 *
 * Recognised: socket-level failures reaching PostgreSQL (refused, reset, broken pipe, timed out,
 * unreachable), node-postgres's own connection and pool timeouts, the SQLSTATEs of a server that
 * is going away, starting up or out of connections, a statement cancelled by `statement_timeout`,
 * and SQLite's busy and locked results (another process holds the write lock past `busy_timeout`).
 */

/** errno codes of a connection that could not be made or was lost. */
const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENETDOWN', 'EAI_AGAIN', 'ECONNABORTED']);

/**
 * SQLSTATEs: class 08 (connection exception) is matched by prefix; these are the rest.
 * 57P01 admin_shutdown, 57P02 crash_shutdown, 57P03 cannot_connect_now (starting up or shutting
 * down), 53300 too_many_connections, 57014 query_canceled (our `statement_timeout` fired: the
 * database is too slow to answer now, which the client can retry like an outage).
 */
const SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300', '57014']);

/** Messages node-postgres and pg-pool use for connection trouble; they carry no code. */
const PG_MESSAGES = [
  /^Connection terminated/,
  /^timeout exceeded when trying to connect/,
  /^Query read timeout/,
  /^Client has encountered a connection error and is not queryable/,
  /^Client was closed and is not queryable/,
];

const SQLITE_BUSY = /^SQLITE_(BUSY|LOCKED)/;

function classifyOne(error: unknown): boolean {
  if (error === null || typeof error !== 'object') return false;
  const { code, syscall, message } = error as { code?: unknown; syscall?: unknown; message?: unknown };
  if (typeof code === 'string') {
    if (SOCKET_CODES.has(code)) return true;
    // A Unix-socket path that is gone (the server is down); only for connects, so a missing file elsewhere stays a bug.
    if (code === 'ENOENT' && syscall === 'connect') return true;
    if (/^08[0-9A-Z]{3}$/.test(code) || SQLSTATES.has(code)) return true;
    if (SQLITE_BUSY.test(code)) return true;
  }
  return typeof message === 'string' && PG_MESSAGES.some((pattern) => pattern.test(message));
}

/**
 * Whether `error` means the database is unreachable, restarting, overloaded or locked, so that the
 * same request is worth retrying shortly. Looks through `cause` chains and AggregateErrors (Node
 * reports a failed connect to every address of a host name as one AggregateError).
 */
export function isDatabaseUnavailable(error: unknown, depth = 0): boolean {
  if (depth > 5 || error === null || typeof error !== 'object') return false;
  if (classifyOne(error)) return true;
  if (error instanceof AggregateError && error.errors.some((inner) => isDatabaseUnavailable(inner, depth + 1))) return true;
  return isDatabaseUnavailable((error as { cause?: unknown }).cause, depth + 1);
}
