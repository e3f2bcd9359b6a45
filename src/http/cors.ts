/**
 * @module
 * CORS for browser front ends: any origin may call the API (a token, never a cookie, is the
 * credential), may read the rate-limit and request-id headers, and gets its preflight answered
 * with 204. The same answers `@fastify/cors` gave with `origin: '*'`, from one hook with its
 * header values computed once: the plugin merged its options and made closures on every request,
 * which was measurable on a single read.
 *
 * A token with `allowed_origins` changes its own answers once it is known: an admitted request
 * names the request's origin (which is on the list) instead of `*`, with `Vary: Origin`, and a
 * request refused for its origin names none, so the page cannot read the answer. A preflight
 * carries no token (browsers never send credentials on it), so it cannot know the token's list and
 * keeps answering for any origin; the real request that follows is the one judged and refused.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';

const ALLOW_METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'OPTIONS'].join(', ');
const ALLOW_HEADERS = ['authorization', 'content-type', 'x-api-version', 'x-environment', 'x-include-drafts', 'accept', 'user-agent'].join(', ');
const EXPOSE_HEADERS = ['x-ratelimit-limit', 'x-ratelimit-remaining', 'x-ratelimit-reset', 'retry-after', 'x-request-id', 'x-api-version'].join(', ');

function addCorsHeaders(request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction): void {
  reply.header('access-control-allow-origin', '*');
  reply.header('access-control-expose-headers', EXPOSE_HEADERS);
  // Any other OPTIONS was refused before this hook (`refuseInvalidPreflight`): this is a preflight.
  if (request.method === 'OPTIONS' && request.headers.origin && request.headers['access-control-request-method']) {
    reply.header('access-control-allow-methods', ALLOW_METHODS);
    reply.header('access-control-allow-headers', ALLOW_HEADERS);
    reply.code(204).header('content-length', '0').send();
    return;
  }
  done();
}

/**
 * The CORS answer for a token bound to origins: `admitted`, the request's origin (on the list, or
 * absent for a non-browser caller); otherwise no origin at all.
 */
export function corsForAllowedOrigins(reply: FastifyReply, admitted: boolean): void {
  const origin = reply.request.headers.origin;
  if (admitted && origin !== undefined) reply.header('access-control-allow-origin', origin);
  else reply.removeHeader('access-control-allow-origin');
  reply.header('vary', 'Origin');
}

/** Installs CORS on every route, the not-found answer included; call before any route exists. */
export function registerCors(app: FastifyInstance): void {
  app.addHook('onRequest', addCorsHeaders);
  // OPTIONS on any path is routed (and answered by the hook above), not a 404 from the router.
  app.options('*', (_request, reply) => {
    reply.callNotFound();
  });
}
