/**
 * @module
 * The one error translator of the HTTP layer: everything a handler throws becomes the DatoCMS
 * error envelope `{"data":[{"id","type":"api_error","attributes":{"code","details","doc_url"}}]}`.
 * Framework errors (bad JSON, wrong content type, oversized body) map onto catalog codes; anything
 * unexpected is logged and answered with a 500 that reveals nothing.
 */
import { randomBytes } from 'node:crypto';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { ApiProblem, ERROR_CATALOG, type ErrorCode, type ErrorDetails } from '../core/errors.ts';

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

export function handleError(error: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const problem = toProblem(error);
  if (problem) {
    if (problem.status === 401 && !reply.hasHeader('www-authenticate')) {
      reply.header('www-authenticate', bearerChallenge(problem.details.reason));
    }
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
  return reply
    .code(ERROR_CATALOG.NOT_FOUND.status)
    .send(errorDocument('NOT_FOUND', { message: `No route ${request.method} ${request.url.split('?')[0]}` }));
}
