/**
 * @module
 * CORS for browser front ends: any origin may call the API (a token, never a cookie, is the
 * credential), may read the rate-limit and request-id headers, and gets its preflight answered
 * with 204. The same answers `@fastify/cors` gave with `origin: '*'`, from one hook with its
 * header values computed once: the plugin merged its options and made closures on every request,
 * which was measurable on a single read.
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

/** Installs CORS on every route, the not-found answer included; call before any route exists. */
export function registerCors(app: FastifyInstance): void {
  app.addHook('onRequest', addCorsHeaders);
  // OPTIONS on any path is routed (and answered by the hook above), not a 404 from the router.
  app.options('*', (_request, reply) => {
    reply.callNotFound();
  });
}
