/**
 * @module
 * The one error translator of the HTTP layer: everything a handler throws becomes the DatoCMS
 * error envelope `{"data":[{"id","type":"api_error","attributes":{"code","details","doc_url"}}]}`.
 * Framework errors (bad JSON, wrong content type, oversized body) map onto catalog codes; a database
 * that is away (as the store classifies it) is a 503 with `Retry-After`, a statement that ran past
 * its time limit a 504 (logged with its route); anything unexpected is logged and answered with a
 * 500 that reveals nothing.
 */
import { randomBytes } from 'node:crypto';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { ApiProblem, ERROR_CATALOG, type ErrorCode, type ErrorDetails } from '../core/errors.ts';
import { isDatabaseUnavailable, isQueryTimeout } from '../store/unavailable.ts';

/**
 * Seconds a client should wait before retrying a 503. Short: the pool reconnects on the next
 * request, so service returns as soon as the database does.
 */
export const RETRY_AFTER_SECONDS = 2;

export function errorDocument(code: ErrorCode | 'INTERNAL_ERROR', details: ErrorDetails) {
  return {
    data: [
      {
        id: randomBytes(3).toString('hex'),
        type: 'api_error' as const,
        attributes: { code, details, doc_url: `docs/errors.md#${code.toLowerCase()}` },
      },
    ],
  };
}

const FRAMEWORK_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'INVALID_CONTENT_TYPE_HEADER',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'INVALID_JSON_BODY',
  FST_ERR_CTP_BODY_TOO_LARGE: 'REQUEST_TOO_LARGE',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'INVALID_JSON_BODY',
  FST_ERR_CTP_INVALID_JSON_BODY: 'INVALID_JSON_BODY',
};

/** Maps anything thrown to a catalog problem, or null when it is a genuine server fault. */
export function toProblem(error: unknown): ApiProblem | null {
  if (error instanceof ApiProblem) return error;
  // Not logged per request: during an outage that would be one line per request; the pool logs
  // the outage itself.
  if (isDatabaseUnavailable(error)) return databaseUnavailable();
  if (isQueryTimeout(error)) return queryTimeout();
  const fastifyError = error as Partial<FastifyError>;
  const code = fastifyError.code ? FRAMEWORK_CODES[fastifyError.code] : undefined;
  if (code) return new ApiProblem(code, { message: fastifyError.message });
  if (error instanceof SyntaxError || fastifyError.statusCode === 400) {
    return new ApiProblem('INVALID_JSON_BODY', { message: 'The request body is not valid JSON' });
  }
  if (fastifyError.statusCode === 413) return new ApiProblem('REQUEST_TOO_LARGE', {});
  if (fastifyError.statusCode === 415) return new ApiProblem('INVALID_CONTENT_TYPE_HEADER', {});
  return null;
}

export function databaseUnavailable(): ApiProblem {
  return new ApiProblem('DATABASE_UNAVAILABLE', { message: 'The database is unavailable; retry shortly' });
}

export function queryTimeout(): ApiProblem {
  return new ApiProblem('QUERY_TIMEOUT', { message: 'A database statement of this request took too long and was cancelled' });
}

/**
 * A slow query is a bug to find (unlike an outage, which the pool logs once): one warning per such
 * request, naming the route pattern (never the raw URL, which may hold a secret).
 */
export function logProblem(problem: ApiProblem, request: FastifyRequest): void {
  if (problem.code === 'QUERY_TIMEOUT') request.log.warn({ method: request.method, route: request.routeOptions.url ?? null }, 'database statement timed out');
}

/** The headers a problem's status calls for: the Bearer challenge on a 401, `Retry-After` on a 503. */
export function problemHeaders(problem: ApiProblem, reply: FastifyReply): void {
  if (problem.status === 401 && !reply.hasHeader('www-authenticate')) {
    reply.header('www-authenticate', bearerChallenge(problem.details.reason));
  }
  if (problem.status === 503 && !reply.hasHeader('retry-after')) reply.header('retry-after', RETRY_AFTER_SECONDS);
}

export function handleError(error: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const problem = toProblem(error);
  if (problem) {
    logProblem(problem, request);
    problemHeaders(problem, reply);
    return reply.code(problem.status).send(errorDocument(problem.code, problem.details));
  }
  request.log.error({ err: error }, 'unhandled error');
  return reply.code(500).send(errorDocument('INTERNAL_ERROR', { message: 'Internal server error', request_id: request.id }));
}

/** RFC 6750 §3: no error code when no credentials were sent, `invalid_token` otherwise. */
export function bearerChallenge(reason: unknown): string {
  return reason === 'missing' ? 'Bearer realm="latchkey"' : 'Bearer realm="latchkey", error="invalid_token"';
}

export function notFoundHandler(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  return reply.code(ERROR_CATALOG.NOT_FOUND.status).send(errorDocument('NOT_FOUND', { message: `No route ${request.method} ${request.url.split('?')[0]}` }));
}
