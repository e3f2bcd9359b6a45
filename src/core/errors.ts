/**
 * @module
 * The one error catalog. Every code a client can see has exactly one HTTP status and one line of
 * documentation; `docs/errors.md` lists the same codes and a test keeps the two in sync.
 */

export const ERROR_CATALOG = {
  INVALID_AUTHORIZATION_HEADER: {
    status: 401,
    doc: 'The Authorization header is absent, malformed, names an unknown, disabled or expired token, or the token lacks the API surface flag for this API.',
  },
  INSUFFICIENT_PERMISSIONS: {
    status: 403,
    doc: 'The token is valid but one of its layers (IP allowlist, allowed origins, permission strings, role, root nodes) does not allow this request, or a token it creates or edits would hold more than it does; `details.layer` names which.',
  },
  RATE_LIMIT_EXCEEDED: {
    status: 429,
    doc: 'The token sent more requests to this API surface than its rate limit allows; retry after `X-RateLimit-Reset` seconds.',
  },
  NOT_FOUND: { status: 404, doc: 'No resource with this id exists (or the route does not exist).' },
  INVALID_JSON_BODY: { status: 400, doc: 'The request body is not valid JSON.' },
  INVALID_FORMAT: {
    status: 422,
    doc: 'The JSON body does not have the documented shape: a missing, extra or wrongly typed member; `details.pointer` locates it.',
  },
  INVALID_FIELD: {
    status: 422,
    doc: 'A value has the right type but is not acceptable (unknown permission string, bad CIDR, duplicate name…); `details.field` names it.',
  },
  INVALID_PARAMS: { status: 400, doc: 'A query-string parameter is missing, unknown or malformed.' },
  INVALID_API_VERSION: { status: 400, doc: 'The X-Api-Version header is present but is not `3`.' },
  INVALID_ACCEPT_HEADER: { status: 406, doc: 'The Accept header does not allow a JSON response.' },
  INVALID_CONTENT_TYPE_HEADER: { status: 415, doc: 'A request with a body must send a JSON content type.' },
  REQUEST_TOO_LARGE: { status: 413, doc: 'The request body is larger than the server accepts.' },
  JSON_NESTING_TOO_DEEP: {
    status: 400,
    doc: 'A JSON body or GraphQL `variables` value nests arrays and objects more than 64 levels deep; `details.max_depth` states the limit.',
  },
  QUERY_TOO_COMPLEX: {
    status: 400,
    doc: 'A GraphQL document exceeds one of the documented limits (size, tokens, nesting, depth, selections, aliases, argument nesting); `details.limit` names it. Like any invalid query it is answered `200` with `errors[]`.',
  },
  INVALID_URL: { status: 400, doc: 'The request path is not valid percent-encoding (for example `%E0%A4%A`).' },
  INVALID_PREFLIGHT_REQUEST: {
    status: 400,
    doc: 'An `OPTIONS` request is served only as a CORS preflight and needs `Origin` and `Access-Control-Request-Method` headers.',
  },
  REQUEST_HEADERS_TOO_LARGE: { status: 431, doc: 'The request headers are larger than the server accepts (16 KiB in all); the connection is closed.' },
  MALFORMED_REQUEST: { status: 400, doc: 'The request is not valid HTTP/1.1 (request line, headers or chunked encoding); the connection is closed.' },
  REQUEST_TIMEOUT: { status: 408, doc: "The request did not arrive completely within the server's time limit; the connection is closed." },
  INVALID_RELATIONSHIP: {
    status: 422,
    doc: 'A relationship points to a resource that does not exist or is not allowed here (e.g. both `role` and `user` on a token).',
  },
  NON_EDITABLE_ACCESS_TOKEN: {
    status: 422,
    doc: 'Factory tokens (`hardcoded_type` set) cannot be edited; they can still be rotated and deleted.',
  },
  CANNOT_DESTROY_CURRENT_USER: { status: 422, doc: 'A token cannot delete itself.' },
  DELETE_RESTRICTION: {
    status: 422,
    doc: 'The resource is still in use (a role bound to tokens, users or other roles; a user that tokens are based on; an item type with items; an item with children).',
  },
  STALE_ITEM_VERSION: {
    status: 422,
    doc: "An update named a `meta.current_version` that is no longer the record's current version: someone saved it since it was read. Nothing was changed; `details.current_version` is the version now. Read the record again and reapply the change.",
  },
  CONFLICT: {
    status: 409,
    doc: 'Concurrent requests kept changing the same resource while this one was being applied; nothing was changed, and the request can be retried as it is.',
  },
  INVALID_DESTINATION_USER: {
    status: 422,
    doc: '`destination_user_type` / `destination_user_id` do not name an existing token or user.',
  },
  INVALID_ENVIRONMENT: {
    status: 404,
    doc: 'The X-Environment header names an environment that does not exist: a project has one environment, its primary `main`; leave the header out or send `main`. Nothing was changed.',
  },
  INVALID_X_INCLUDE_DRAFTS_HEADER: {
    status: 400,
    doc: 'The X-Include-Drafts header of a GraphQL request is present but is not `true`.',
  },
  DATABASE_UNAVAILABLE: {
    status: 503,
    doc: 'The database is unreachable, restarting, overloaded or locked, so this request could not be served; nothing was changed. Retry after `Retry-After` seconds.',
  },
  QUERY_TIMEOUT: {
    status: 504,
    doc: 'A database statement of this request ran past its time limit (5 s) and was cancelled; nothing was changed. Repeating the same request is unlikely to help: narrow it (a smaller page, a simpler filter) or report it, as the server logs it with its route.',
  },
  NOT_READY: {
    status: 503,
    doc: '`GET /readyz` only: this instance cannot serve every request right now; `details.checks` says which check (`database`, `migrations`, `listener`) failed.',
  },
  INTERNAL_ERROR: {
    status: 500,
    doc: 'An unexpected server fault; nothing about it is revealed except `details.request_id`, which names it in the server log.',
  },
} as const satisfies Record<string, { status: number; doc: string }>;

export type ErrorCode = keyof typeof ERROR_CATALOG;

export type ErrorDetails = Record<string, unknown>;

/**
 * A request that cannot be served for a reason the client can fix. Thrown by the core and the
 * services; the HTTP and GraphQL layers each translate it in exactly one place.
 */
export class ApiProblem extends Error {
  readonly code: ErrorCode;
  readonly details: ErrorDetails;

  constructor(code: ErrorCode, details: ErrorDetails = {}) {
    super(typeof details.message === 'string' ? details.message : code);
    this.name = 'ApiProblem';
    this.code = code;
    this.details = details;
  }

  get status(): number {
    return ERROR_CATALOG[this.code].status;
  }
}

export function notFound(resource: string, id: string): ApiProblem {
  return new ApiProblem('NOT_FOUND', { message: `No ${resource} with id ${JSON.stringify(id)}`, resource, id });
}
