/**
 * The store's one classifier of "the database is away" and "a statement ran too long": what it must
 * recognise (so the client gets a retryable 503, or a 504) and what it must not (so a bug still
 * shows as a 500), and that only errors the store's driver raised count.
 */
import type { FastifyRequest } from 'fastify';
import { describe, expect, it, vi } from 'vitest';
import { logProblem, toProblem } from '../../src/http/errors.ts';
import {
  classifyDriverError,
  DatabaseUnavailable,
  isDatabaseUnavailable,
  isQueryTimeout,
  isUnavailableDriverError,
  QueryTimeout,
} from '../../src/store/unavailable.ts';

const withCode = (code: string, extra: Record<string, unknown> = {}) => Object.assign(new Error(code), { code, ...extra });

describe('isUnavailableDriverError', () => {
  it.each([
    ['connection refused', withCode('ECONNREFUSED')],
    ['connection reset', withCode('ECONNRESET')],
    ['broken pipe', withCode('EPIPE')],
    ['connect timed out', withCode('ETIMEDOUT')],
    ['host name not found (a stopped host)', withCode('ENOTFOUND')],
    ['host name lookup failed for now', withCode('EAI_AGAIN')],
    ['socket path gone', withCode('ENOENT', { syscall: 'connect' })],
    ['class 08 SQLSTATE', withCode('08006')],
    ['admin shutdown (pg_terminate_backend, restart)', withCode('57P01')],
    ['crash shutdown', withCode('57P02')],
    ['starting up / shutting down', withCode('57P03')],
    ['too many connections', withCode('53300')],
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
    expect(isUnavailableDriverError(error)).toBe(true);
    expect(isDatabaseUnavailable(classifyDriverError(error))).toBe(true);
    expect(isQueryTimeout(classifyDriverError(error))).toBe(false);
  });

  it.each([
    ['unique violation', withCode('23505')],
    ['foreign key violation', withCode('23503')],
    ['syntax error', withCode('42601')],
    ['protocol violation (too many bound parameters): a bug', withCode('08P01')],
    ['statement timeout: a slow query, not an outage', withCode('57014')],
    ['SQLite constraint', withCode('SQLITE_CONSTRAINT_UNIQUE')],
    ['a missing file that is not a connect', withCode('ENOENT', { syscall: 'open' })],
    ['a plain bug', new TypeError("Cannot read properties of undefined (reading 'id')")],
    ['a string', 'ECONNREFUSED'],
    ['nothing', undefined],
    ['null', null],
  ])('does not take %s for an outage', (_name, error) => {
    expect(isUnavailableDriverError(error)).toBe(false);
    expect(isDatabaseUnavailable(classifyDriverError(error))).toBe(false);
  });

  it('stops on a cause cycle', () => {
    const a = new Error('a') as Error & { cause?: unknown };
    const b = new Error('b', { cause: a });
    a.cause = b;
    expect(isUnavailableDriverError(a)).toBe(false);
  });
});

describe('the store boundary', () => {
  it('reports a statement timeout as a query timeout, not as an outage', () => {
    const classified = classifyDriverError(withCode('57014'));
    expect(classified).toBeInstanceOf(QueryTimeout);
    expect(isQueryTimeout(classified)).toBe(true);
    expect(isDatabaseUnavailable(classified)).toBe(false);
  });

  it('passes every other driver error through unchanged, so constraint codes stay readable', () => {
    const unique = withCode('23505');
    expect(classifyDriverError(unique)).toBe(unique);
  });

  it.each([
    ['ECONNRESET', withCode('ECONNRESET')],
    ['EPIPE', withCode('EPIPE')],
    ['ETIMEDOUT', withCode('ETIMEDOUT')],
  ])('does not take a raw %s from elsewhere (Redis, a client socket) for the database', (_name, error) => {
    expect(isDatabaseUnavailable(error)).toBe(false);
    expect(isQueryTimeout(error)).toBe(false);
  });

  it('recognises the store classes through a cause chain', () => {
    expect(isDatabaseUnavailable(new Error('outer', { cause: new DatabaseUnavailable(withCode('ECONNREFUSED')) }))).toBe(true);
    expect(isQueryTimeout(new Error('outer', { cause: new QueryTimeout(withCode('57014')) }))).toBe(true);
  });
});

describe('the HTTP answer', () => {
  it('is 504 QUERY_TIMEOUT for a timed-out statement, logged once with the route pattern, and 503 for an outage', () => {
    const timeout = toProblem(new QueryTimeout(withCode('57014')));
    expect(timeout).toMatchObject({ code: 'QUERY_TIMEOUT', status: 504 });
    expect(toProblem(new DatabaseUnavailable(withCode('57P01')))).toMatchObject({ code: 'DATABASE_UNAVAILABLE', status: 503 });
    // A raw socket error from elsewhere is no catalog problem: the handler reports it as the bug it is.
    expect(toProblem(withCode('ECONNRESET'))).toBeNull();

    const warn = vi.fn();
    const request = { method: 'GET', url: '/access_tokens/lk_secret', routeOptions: { url: '/access_tokens/:id' }, log: { warn } } as unknown as FastifyRequest;
    if (!timeout) throw new Error('expected a problem');
    logProblem(timeout, request);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(JSON.stringify(warn.mock.calls[0])).toContain('/access_tokens/:id');
    expect(JSON.stringify(warn.mock.calls[0])).not.toContain('lk_secret');
    const outage = toProblem(new DatabaseUnavailable(withCode('ECONNREFUSED')));
    if (!outage) throw new Error('expected a problem');
    logProblem(outage, request);
    expect(warn).toHaveBeenCalledTimes(1);
  });
});
