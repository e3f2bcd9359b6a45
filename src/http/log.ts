/**
 * @module
 * What the request log may say about a request. Secrets belong in the Authorization header, which
 * is never logged; but clients paste them elsewhere too (`?access_token=…`, a token id slot), and
 * Fastify's default serializer logs the full URL. So the query string is dropped and anything
 * shaped like a Latchkey secret in the path is masked.
 */
import type { FastifyRequest, FastifyServerOptions } from 'fastify';

const SECRET_IN_PATH = /lk_[0-9A-Za-z]{10,}/g;

export function loggableUrl(url: string): string {
  const query = url.indexOf('?');
  const path = query === -1 ? url : url.slice(0, query);
  return path.replace(SECRET_IN_PATH, 'lk_[redacted]') + (query === -1 ? '' : '?[redacted]');
}

function loggableRequest(request: FastifyRequest) {
  return { method: request.method, url: loggableUrl(request.url), host: request.host, remoteAddress: request.ip, remotePort: request.socket?.remotePort };
}

/** The logger options with the request serializer above, whatever else they set. */
export function safeLogger(logger: FastifyServerOptions['logger']): FastifyServerOptions['logger'] {
  if (logger === undefined || logger === false) return false;
  const options = logger === true ? {} : logger;
  return { ...options, serializers: { ...options.serializers, req: loggableRequest } };
}
