/**
 * @module
 * What the command line prints when it cannot go on: one line saying what is wrong and what to
 * change, exit status 1. A stack trace is printed only for a failure nobody foresaw (a bug).
 */
import { ConfigError } from '../config.ts';
import { ApiProblem } from '../core/errors.ts';
import { errorMessage } from '../core/log.ts';
import { isDatabaseUnavailable } from '../store/unavailable.ts';

/** A failure the operator can act on; its message is the whole story. */
export class CliError extends Error {}

interface SystemError {
  readonly code?: unknown;
  readonly syscall?: unknown;
  readonly path?: unknown;
  readonly address?: unknown;
  readonly port?: unknown;
}

const FILE_REASONS: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EROFS: 'the file system is read-only',
  ENOENT: 'it does not exist',
  ENOTDIR: 'a part of the path is a file, not a directory',
  EEXIST: 'a file is in the way of a directory',
  EISDIR: 'it is a directory, not a file',
  ENOSPC: 'the disk is full',
};

/** Why a file or directory could not be used, in words (`undefined` for an error of another kind). */
export function fileProblem(error: unknown): string | undefined {
  const code = (error as SystemError | null)?.code;
  return typeof code === 'string' ? FILE_REASONS[code] : undefined;
}

function listenProblem(error: SystemError): string | null {
  if (error.syscall !== 'listen') return null;
  const where = `${String(error.address)}:${String(error.port)}`;
  switch (error.code) {
    case 'EADDRINUSE':
      return `${where} is already in use (another Latchkey, or another program); stop it or choose another port with --port or LATCHKEY_PORT`;
    case 'EADDRNOTAVAIL':
      return `cannot listen on ${where}: no interface of this machine has that address; choose another with --host or LATCHKEY_HOST`;
    case 'EACCES':
    case 'EPERM':
      return `not allowed to listen on ${where} (ports below 1024 need privileges); choose another port with --port or LATCHKEY_PORT`;
    default:
      return null;
  }
}

/**
 * PostgreSQL refusing the connection itself: SQLSTATE class 28 (wrong user or password), 3D000
 * (no such database), 42501 (no privilege, e.g. on the schema).
 */
function databaseRefusal(error: object): string | null {
  const code = (error as SystemError).code;
  if (typeof code !== 'string' || !/^(28...|3D000|42501)$/.test(code)) return null;
  return `the database refused the connection: ${errorMessage(error)} (check --database-url or LATCHKEY_DATABASE_URL)`;
}

/** The one line to print for `error`, or `null` for an unforeseen failure. */
export function describeFailure(error: unknown): string | null {
  if (error instanceof CliError || error instanceof ConfigError) return error.message;
  if (error instanceof ApiProblem) return `${error.code}: ${error.message}`;
  if (isDatabaseUnavailable(error)) return `cannot reach the database: ${errorMessage(error)}`;
  if (error !== null && typeof error === 'object') {
    const known = listenProblem(error as SystemError) ?? databaseRefusal(error);
    if (known) return known;
    const path = (error as SystemError).path;
    const reason = fileProblem(error);
    if (typeof path === 'string' && reason) return `cannot use ${path}: ${reason}`;
  }
  return null;
}

/** Prints the failure (one line, or the stack of an unforeseen one) and ends the process with status 1. */
export function exitWithFailure(error: unknown): never {
  const line = describeFailure(error);
  if (line !== null) process.stderr.write(`latchkey: ${line}\n`);
  else process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
}
