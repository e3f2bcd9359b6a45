/**
 * The store's one classifier of "the database is away": what it must recognise (so the client
 * gets a retryable 503) and what it must not (so a bug still shows as a 500).
 */
import { describe, expect, it } from 'vitest';
import { isDatabaseUnavailable } from '../../src/store/unavailable.ts';

const withCode = (code: string, extra: Record<string, unknown> = {}) => Object.assign(new Error(code), { code, ...extra });

describe('isDatabaseUnavailable', () => {
  it.each([
    ['connection refused', withCode('ECONNREFUSED')],
    ['connection reset', withCode('ECONNRESET')],
    ['broken pipe', withCode('EPIPE')],
    ['connect timed out', withCode('ETIMEDOUT')],
    ['socket path gone', withCode('ENOENT', { syscall: 'connect' })],
    ['class 08 SQLSTATE', withCode('08006')],
    ['admin shutdown (pg_terminate_backend, restart)', withCode('57P01')],
    ['crash shutdown', withCode('57P02')],
    ['starting up / shutting down', withCode('57P03')],
    ['too many connections', withCode('53300')],
    ['statement timeout', withCode('57014')],
    ['pg: connection terminated', new Error('Connection terminated unexpectedly')],
    ['pg-pool: connect timeout', new Error('timeout exceeded when trying to connect')],
    ['pg: client-side query timeout', new Error('Query read timeout')],
    ['pg: broken client reused', new Error('Client has encountered a connection error and is not queryable')],
    ['SQLite busy', withCode('SQLITE_BUSY')],
    ['SQLite busy snapshot', withCode('SQLITE_BUSY_SNAPSHOT')],
    ['SQLite locked', withCode('SQLITE_LOCKED')],
    ['wrapped in cause', new Error('outer', { cause: withCode('ECONNREFUSED') })],
    ['every address refused', new AggregateError([withCode('ECONNREFUSED'), withCode('ECONNREFUSED')], 'connect failed')],
  ])('recognises %s', (_name, error) => {
    expect(isDatabaseUnavailable(error)).toBe(true);
  });

  it.each([
    ['unique violation', withCode('23505')],
    ['foreign key violation', withCode('23503')],
    ['syntax error', withCode('42601')],
    ['SQLite constraint', withCode('SQLITE_CONSTRAINT_UNIQUE')],
    ['a missing file that is not a connect', withCode('ENOENT', { syscall: 'open' })],
    ['a plain bug', new TypeError("Cannot read properties of undefined (reading 'id')")],
    ['a string', 'ECONNREFUSED'],
    ['nothing', undefined],
    ['null', null],
  ])('does not take %s for an outage', (_name, error) => {
    expect(isDatabaseUnavailable(error)).toBe(false);
  });

  it('stops on a cause cycle', () => {
    const a = new Error('a') as Error & { cause?: unknown };
    const b = new Error('b', { cause: a });
    a.cause = b;
    expect(isDatabaseUnavailable(a)).toBe(false);
  });
});
