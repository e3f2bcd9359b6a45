/**
 * @module
 * The 4xx answers Fastify and Node would otherwise write themselves — a bad percent-encoding, an
 * over-long path parameter, an `OPTIONS` request that is no CORS preflight, headers past Node's
 * limit, bytes that are not HTTP — in the same error envelope as every other error: a client
 * should never have to parse a second error format. Under `/api/v1/admin/` the account-token
 * API's own envelope is used, as for its other errors.
 */
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { ApiProblem, ERROR_CATALOG, type ErrorCode } from '../core/errors.ts';
import { handleAccountError } from './account-errors.ts';
import { errorDocument, handleError } from './errors.ts';

const ACCOUNT_PREFIX = '/api/v1/admin/';

/** Whether a raw URL belongs to the account-token API, which answers in its own envelope. */
export function isAccountPath(url: string): boolean {
  return url === ACCOUNT_PREFIX.slice(0, -1) || url.startsWith(ACCOUNT_PREFIX);
}

/** The root error handler: picks the envelope by path, for errors raised outside any route's own scope. */
export function handleAnyError(error: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  return isAccountPath(request.url) ? handleAccountError(error, request, reply) : handleError(error, request, reply);
}

/** Fastify's `frameworkErrors`: errors found while routing, before any hook or handler ran. */
export function handleFrameworkError(error: FastifyError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  reply.header('x-request-id', request.id);
  const problem =
    error.code === 'FST_ERR_MAX_PARAM_LENGTH'
      ? // Ids are short; nothing can be found under a 100-character one.
        new ApiProblem('NOT_FOUND', { message: 'No resource has an id this long' })
      : error.code === 'FST_ERR_BAD_URL'
        ? new ApiProblem('INVALID_URL', { message: 'The path is not valid percent-encoding' })
        : null;
  return handleAnyError(problem ?? error, request, reply);
}

/**
 * An `OPTIONS` request without `Origin` and `Access-Control-Request-Method` is no preflight. The
 * CORS plugin would answer it with a plain-text 400; this hook, registered before the plugin,
 * answers in the envelope instead.
 */
export async function refuseInvalidPreflight(request: FastifyRequest, reply: FastifyReply): Promise<void> {
  if (request.method !== 'OPTIONS') return;
  if (request.headers.origin && request.headers['access-control-request-method']) return;
  reply.header('x-request-id', request.id);
  throw new ApiProblem('INVALID_PREFLIGHT_REQUEST', { message: 'OPTIONS is answered only as a CORS preflight: send Origin and Access-Control-Request-Method' });
}

function clientErrorCode(error: NodeJS.ErrnoException): ErrorCode {
  if (error.code === 'HPE_HEADER_OVERFLOW') return 'REQUEST_HEADERS_TOO_LARGE';
  if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') return 'REQUEST_TIMEOUT';
  return 'MALFORMED_REQUEST';
}

/**
 * Node's `clientError`: the request could not even be parsed, so there is no route and no
 * request object; the answer is written to the socket by hand and the connection closed, as
 * Node does by default (the parser cannot resynchronise on that connection).
 */
export function handleClientError(error: NodeJS.ErrnoException, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  // As Node's own handler: never write into the middle of a response already under way on this
  // connection (a pipelined request), which would corrupt it for the client.
  const inFlight = (socket as Socket & { _httpMessage?: { headersSent?: boolean } | null })._httpMessage;
  if (socket.writable && !inFlight?.headersSent) {
    const code = clientErrorCode(error);
    const status = ERROR_CATALOG[code].status;
    const body = JSON.stringify(errorDocument(code, { message: ERROR_CATALOG[code].doc }));
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\n` +
        'Content-Type: application/json; charset=utf-8\r\n' +
        `Content-Length: ${Buffer.byteLength(body)}\r\n` +
        'Connection: close\r\n\r\n' +
        body,
    );
  }
  socket.destroy();
}
