/**
 * @module
 * What the request log may say about a request. A secret can arrive anywhere a client can write:
 * the Authorization header, other headers (Host and X-Forwarded-For included), a path segment
 * (`GET /access_tokens/<secret>`), a query-string key or value, a body. Secrets from other systems
 * (bootstrap values) are any 20–200 URL-safe characters, so no pattern can recognise every one of
 * them in a raw URL. The log therefore never holds raw request text: it says which route pattern
 * served the request (`/access_tokens/:id`), the path parameters that are plain ids (too short to
 * be any accepted secret), and the client address only when it is an address. Errors are logged
 * by type, code, message and stack only, with secret-shaped and URL-shaped text masked.
 */
import { isIP } from 'node:net';
import type { FastifyRequest, FastifyServerOptions } from 'fastify';

/** A record or token id: digits, far shorter than the 20 characters the shortest secret has. */
const ID = /^\d{1,15}$/;

function loggableParams(params: unknown): Record<string, string> | undefined {
  if (params === null || typeof params !== 'object') return undefined;
  const entries = Object.entries(params as Record<string, unknown>);
  if (entries.length === 0) return undefined;
  return Object.fromEntries(entries.map(([name, value]) => [name, typeof value === 'string' && ID.test(value) ? value : '[redacted]']));
}

function loggableRequest(request: FastifyRequest) {
  // With a trusted proxy the address comes from X-Forwarded-For, which a client can fill with anything.
  const ip: unknown = request.ip;
  return {
    method: request.method,
    // Unmatched requests (404) have no pattern; their raw path is exactly what must not be logged.
    route: request.routeOptions?.url ?? null,
    params: loggableParams(request.params),
    remoteAddress: typeof ip === 'string' && isIP(ip) !== 0 ? ip : '[invalid]',
    remotePort: request.socket?.remotePort,
  };
}

const loggableResponse = (reply: { readonly statusCode: number }) => ({ statusCode: reply.statusCode });

const MASKS: readonly [RegExp, string][] = [
  // Latchkey's own shape, wherever it stands.
  [/lk_[0-9A-Za-z]{10,}/g, 'lk_[redacted]'],
  // A credential after its scheme (a header echoed into a message).
  [/\b(Bearer|Basic|Token)\s+\S+/gi, '$1 [redacted]'],
  // Quoted values: framework errors quote the URL they refused, drivers the value they could not use.
  [/'\/[^']*'|"\/[^"]*"/g, "'[url]'"],
  [/(["'])[0-9A-Za-z._~-]{20,200}\1/g, '$1[redacted]$1'],
];

export function maskSecrets(text: string): string {
  return MASKS.reduce((masked, [pattern, replacement]) => masked.replace(pattern, replacement), text);
}

/**
 * Only these members: an error can carry the request it failed on (Node's client errors keep the
 * raw bytes, Authorization header included, in `rawPacket`), and the default serializer logs every
 * enumerable member.
 */
interface LoggedError {
  readonly type: string;
  readonly code?: string;
  readonly statusCode?: number;
  readonly message: string;
  readonly stack: string;
  readonly cause?: LoggedError;
  readonly [member: string]: unknown;
}

function loggableError(error: unknown): LoggedError {
  if (!(error instanceof Error)) return { type: typeof error, message: '[not an Error]', stack: '' };
  const { code, statusCode } = error as { code?: unknown; statusCode?: unknown };
  return {
    type: error.name,
    ...(typeof code === 'string' ? { code } : {}),
    ...(typeof statusCode === 'number' ? { statusCode } : {}),
    message: maskSecrets(error.message),
    stack: maskSecrets(error.stack ?? ''),
    ...(error.cause !== undefined ? { cause: loggableError(error.cause) } : {}),
  };
}

/** The logger options with the serializers above, whatever else they set: these always win. */
export function safeLogger(logger: FastifyServerOptions['logger']): FastifyServerOptions['logger'] {
  if (logger === undefined || logger === false) return false;
  const options = logger === true ? {} : logger;
  return { ...options, serializers: { ...options.serializers, req: loggableRequest, res: loggableResponse, err: loggableError } };
}
