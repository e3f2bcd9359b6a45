/**
 * Turning the API's error envelope into words next to the field concerned, with the layer that
 * refused (`details.layer`: escalation, permissions, role, scope…).
 */
export interface ApiErrorBody {
  readonly code: string;
  readonly status: number;
  readonly details: Readonly<Record<string, unknown>>;
}

/** Form fields of the token form an error can point at; `form` is the whole form. */
export type TokenField =
  | 'name'
  | 'role'
  | 'can_access_cda'
  | 'can_access_cda_preview'
  | 'can_access_cma'
  | 'permissions'
  | 'root_nodes'
  | 'expires_at'
  | 'ip_allowlist'
  | 'rate_limit'
  | 'form';

const FIELDS: readonly TokenField[] = [
  'name',
  'role',
  'can_access_cda',
  'can_access_cda_preview',
  'can_access_cma',
  'permissions',
  'root_nodes',
  'expires_at',
  'ip_allowlist',
  'rate_limit',
];

export function parseErrorBody(status: number, body: unknown): ApiErrorBody {
  const first = (body as { data?: { attributes?: { code?: unknown; details?: unknown } }[] } | null)?.data?.[0]?.attributes;
  const code = typeof first?.code === 'string' ? first.code : `HTTP_${status}`;
  const details = first?.details && typeof first.details === 'object' ? (first.details as Record<string, unknown>) : {};
  return { code, status, details };
}

/** Which field an excess entry of an escalation refusal concerns (`permissions:users:write`, `role:can_edit_site`…). */
export function fieldOfExcess(excess: string): TokenField {
  if (excess.startsWith('permissions:')) return 'permissions';
  if (excess.startsWith('surface:')) {
    const flag = excess.slice('surface:'.length);
    return FIELDS.includes(flag as TokenField) ? (flag as TokenField) : 'form';
  }
  if (excess === 'role' || excess === 'user' || excess.startsWith('role:') || excess.startsWith('content:')) return 'role';
  if (excess === 'expires_at' || excess === 'root_nodes' || excess === 'ip_allowlist') return excess;
  return 'form';
}

/** A field name or JSON pointer (`/data/attributes/ip_allowlist/0`): the deepest segment that is a field. */
function fieldOfName(name: string): TokenField {
  const segments = name.split(/[/.]/).filter(Boolean).reverse();
  for (const segment of segments) {
    if (segment === 'user') return 'role';
    if (FIELDS.includes(segment as TokenField)) return segment as TokenField;
  }
  return 'form';
}

const LAYER_WORDS: Readonly<Record<string, string>> = {
  escalation: 'the no-escalation rule, as your token does not hold this itself',
  permissions: 'permission strings of your token',
  role: 'role of your token',
  scope: 'root nodes of your token',
  surface: 'API surface of your token',
  state: 'state of your token',
  network: 'IP allowlist of your token',
  rate_limit: 'rate limit',
  token: 'token',
  authorization: 'authorization',
};

function describeExcess(excess: string): string {
  if (excess.startsWith('permissions:')) return `the permission ${excess.slice('permissions:'.length)}`;
  if (excess.startsWith('surface:')) return `the surface ${excess.slice('surface:'.length)}`;
  if (excess.startsWith('role:')) return `the role flag ${excess.slice('role:'.length)}`;
  if (excess.startsWith('content:')) return `the content action ${excess.slice('content:'.length)}`;
  if (excess === 'expires_at') return 'a later expiry than your own';
  if (excess === 'root_nodes') return 'root nodes outside your own';
  if (excess === 'ip_allowlist') return 'addresses outside your own IP allowlist';
  if (excess === 'user') return 'a different base user';
  return excess;
}

export interface FieldMessage {
  readonly field: TokenField;
  readonly message: string;
  readonly layer: string | null;
}

/** One message per field concerned; what names no field goes to `form`. */
export function fieldMessages(error: ApiErrorBody): FieldMessage[] {
  const layer = typeof error.details.layer === 'string' ? error.details.layer : null;
  const layerText = layer ? ` — refused by ${LAYER_WORDS[layer] ?? layer} (layer: ${layer})` : '';
  const excess = Array.isArray(error.details.excess) ? error.details.excess.filter((e): e is string => typeof e === 'string') : [];
  if (excess.length > 0) {
    const byField = new Map<TokenField, string[]>();
    for (const entry of excess) {
      const field = fieldOfExcess(entry);
      byField.set(field, [...(byField.get(field) ?? []), describeExcess(entry)]);
    }
    return [...byField].map(([field, items]) => ({ field, layer, message: `You may not grant ${items.join(', ')}${layerText}.` }));
  }
  const message = typeof error.details.message === 'string' ? error.details.message : describeCode(error.code);
  const named = typeof error.details.field === 'string' ? error.details.field : typeof error.details.pointer === 'string' ? error.details.pointer : '';
  const unknown = Array.isArray(error.details.unknown) ? ` (${error.details.unknown.join(', ')})` : '';
  return [{ field: named ? fieldOfName(named) : 'form', layer, message: `${message}${unknown}${layerText}` }];
}

export function describeCode(code: string): string {
  switch (code) {
    case 'INSUFFICIENT_PERMISSIONS':
      return 'Your token may not do this';
    case 'INVALID_AUTHORIZATION_HEADER':
      return 'The API token was not accepted';
    case 'NOT_FOUND':
      return 'Not found';
    case 'NON_EDITABLE_ACCESS_TOKEN':
      return 'Factory tokens cannot be edited';
    case 'CANNOT_DESTROY_CURRENT_USER':
      return 'A token cannot delete itself';
    case 'RATE_LIMIT_EXCEEDED':
      return 'Too many requests; try again in a moment';
    case 'DATABASE_UNAVAILABLE':
      return 'The database is unavailable; try again in a moment';
    default:
      return `The server refused the request (${code})`;
  }
}
