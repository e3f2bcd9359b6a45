/**
 * @module
 * Turns an authenticated request into the core's plain {@link RequestContext}: the acting token,
 * the client address (as Fastify resolved it under the trust-proxy setting) and the request id.
 */
import type { FastifyRequest } from 'fastify';
import type { RequestContext } from '../core/audit.ts';
import type { Principal } from '../core/model.ts';

export function requestContext(request: FastifyRequest, caller: Principal): RequestContext {
  return { actorType: 'access_token', actorId: caller.token.id, clientIp: request.ip ?? null, requestId: request.id };
}
