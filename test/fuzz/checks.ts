/**
 * What every answer to a fuzzed request must be: no 5xx, JSON in the envelope its API promises,
 * a code from the catalog with that code's status — and, for a refused write, an unchanged store.
 */
import { sql } from 'kysely';
import { ERROR_CATALOG, type ErrorCode } from '../../src/core/errors.ts';
import type { Harness } from '../support/harness.ts';
import type { FuzzRequest } from './requests.ts';

export interface Answer {
  readonly status: number;
  readonly contentType: string | undefined;
  readonly body: string;
}

type Api = 'account' | 'graphql' | 'health' | 'console' | 'cma';

/** Which envelope a request's errors come in, judged from the path the server receives. */
export function apiOf(path: string): Api {
  if (path === '/api/v1/admin' || path.startsWith('/api/v1/admin/')) return 'account';
  if (path === '/healthz' || path === '/readyz') return 'health';
  if (path === '/admin' || path.startsWith('/admin/')) return 'console';
  return path === '/graphql' || path === '/' ? 'graphql' : 'cma';
}

const isCode = (code: unknown): code is ErrorCode => typeof code === 'string' && code in ERROR_CATALOG;

/** Throws, naming the request, when the answer breaks a promise; returns nothing otherwise. */
export function checkAnswer(request: FuzzRequest, path: string, answer: Answer): void {
  const fail = (why: string) => {
    throw new Error(`${why}\n  request: ${request.method} ${request.url.slice(0, 300)}\n  answer: ${answer.status} ${answer.body.slice(0, 500)}`);
  };
  if (answer.status >= 500) fail('a 5xx');
  // HEAD answers and CORS preflights carry no body.
  if (request.method === 'HEAD' || answer.status === 204) return;
  // The console's page and assets are files for a browser; its refusals are still the envelope.
  if (apiOf(path) === 'console' && answer.status < 400) {
    if (!/^(text\/html|text\/javascript|text\/css|image\/svg\+xml)(;|$)/.test(answer.contentType ?? ''))
      fail(`console content type ${String(answer.contentType)}`);
    return;
  }
  if (answer.contentType !== 'application/json; charset=utf-8') fail(`content type ${String(answer.contentType)}`);
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(answer.body) as Record<string, unknown>;
  } catch {
    fail('a body that is not JSON');
    return;
  }
  if (/RangeError|call stack|\bat \S+\.(ts|js):\d+/.test(answer.body)) fail('internals in the answer');
  const api = apiOf(path);
  // Health answers are for load balancers, in their own small shape; an error is still the envelope.
  if (api === 'health' && answer.status < 400) return;
  if (api === 'account') {
    if (answer.status >= 400) {
      const error = body.error as { code?: unknown; message?: unknown } | undefined;
      if (body.status !== 'error' || !isCode(error?.code) || typeof error.message !== 'string') fail('not the account-token error envelope');
    } else if (body.status !== 'success') fail('not the account-token success envelope');
    return;
  }
  if (api === 'graphql' && answer.status === 200) {
    const errors = body.errors;
    if (!('data' in body) && !Array.isArray(errors)) fail('neither data nor errors');
    if (errors !== undefined && (!Array.isArray(errors) || errors.some((e: { message?: unknown }) => typeof e.message !== 'string')))
      fail('malformed errors[]');
    return;
  }
  if (answer.status >= 400) {
    const entries = body.data as { type?: unknown; attributes?: { code?: unknown; details?: unknown } }[] | undefined;
    const entry = Array.isArray(entries) && entries.length === 1 ? entries[0] : undefined;
    const code = entry?.attributes?.code;
    if (entry?.type !== 'api_error' || !isCode(code) || typeof entry.attributes?.details !== 'object') {
      fail('not the error envelope');
      return;
    }
    if (ERROR_CATALOG[code].status !== answer.status) fail(`${code} with status ${answer.status}`);
  } else if (!('data' in body)) fail('a success without data');
}

/**
 * A cheap fingerprint of everything a write can change, in one statement: row counts, and the
 * latest change time of every table (the suite's clock moves before each request, so any write
 * moves one of them). Last-access times are left out: a refused request may still record one.
 */
export async function fingerprint(h: Harness): Promise<unknown> {
  const { rows } = await sql<Record<string, unknown>>`select
      (select count(*) from site) as site, (select max(updated_at) from site) as site_at,
      (select count(*) from roles) as roles, (select max(updated_at) from roles) as roles_at,
      (select count(*) from users) as users, (select max(updated_at) from users) as users_at,
      (select count(*) from access_tokens) as tokens, (select max(updated_at) from access_tokens) as tokens_at,
      (select max(rotated_at) from access_tokens) as rotated_at, (select count(*) from previous_secrets) as previous,
      (select count(*) from audit_log_events) as audit, (select count(*) from item_types) as item_types,
      (select max(updated_at) from item_types) as item_types_at, (select count(*) from items) as items,
      (select max(updated_at) from items) as items_at, (select max(published_at) from items) as published_at`.execute(h.runtime.store.db);
  return rows[0];
}
