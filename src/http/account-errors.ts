/**
 * @module
 * The account-token API (seed 003) answers errors as `{"status":"error","error":{"code","message"}}`
 * with 400/401/403/404. It is translated from the same problems and denials as the CMA's envelope,
 * so the access decision and the error catalog stay single; only the rendering differs. The seed
 * knows one status for bad input, so the catalog's 422s (a value or shape it cannot accept) are 400
 * here. `details` is kept, so a denial still names its layer.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ERROR_CATALOG } from '../core/errors.ts';
import { logProblem, problemHeaders, toProblem } from './errors.ts';

export function accountErrorDocument(code: string, message: string, details: Record<string, unknown> = {}) {
  return { status: 'error' as const, error: { code, message, details } };
}

export function handleAccountError(error: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const problem = toProblem(error);
  if (!problem) {
    request.log.error({ err: error }, 'unhandled error');
    return reply.code(500).send(accountErrorDocument('INTERNAL_ERROR', 'Internal server error', { request_id: request.id }));
  }
  logProblem(problem, request);
  problemHeaders(problem, reply);
  const message = typeof problem.details.message === 'string' ? problem.details.message : ERROR_CATALOG[problem.code].doc;
  const { message: _omitted, ...details } = problem.details;
  return reply.code(problem.status === 422 ? 400 : problem.status).send(accountErrorDocument(problem.code, message, details));
}

export function accountNotFound(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const message = `No route ${request.method} ${request.url.split('?')[0]}`;
  return reply.code(404).send(accountErrorDocument('NOT_FOUND', message));
}
