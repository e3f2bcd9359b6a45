/**
 * @module
 * The access decision: one pure function for every request, REST and GraphQL alike. Layers are
 * checked in a fixed order (docs/errors.md lists it) and the first failure wins; every denial names its layer so a
 * least-privilege setup can be debugged from the response alone.
 *
 *  1. Authorization header present and well-formed       → 401
 *  2. secret known                                         → 401
 *  3. enabled, not expired, base user present and active   → 401
 *  4. API surface flag                                     → 401
 *  5. IP allowlist → 403, then rate limit                  → 429
 *  6. permission strings                                   → 403
 *  7. role flag / content permission                       → 403
 *  8. root-node scope                                      → 403
 */
import type { ErrorCode } from './errors.ts';
import type { EndpointRule } from './endpoints.ts';
import type { Principal, Surface } from './model.ts';
import type { RateOutcome } from './rate-limit.ts';
import { allowsContent, type ContentTarget } from './roles.ts';
import { maskCovers } from './permissions.ts';
import { allowlistAdmits } from './ip.ts';

/** What the transport found in the Authorization header, after the store lookup. */
export type Credential =
  | { readonly kind: 'missing' }
  | { readonly kind: 'malformed' }
  | { readonly kind: 'unknown' }
  | { readonly kind: 'found'; readonly principal: Principal };

/** A record the request acts on: its content facts and the ids of its ancestors and itself. */
export interface ItemTarget extends ContentTarget {
  readonly pathIds: readonly string[];
}

export interface AccessRequest {
  readonly rule: EndpointRule;
  readonly includeDrafts: boolean;
  readonly clientIp: string | null;
  readonly now: number;
  readonly target?: ItemTarget;
}

export type Layer = 'authorization' | 'token' | 'state' | 'surface' | 'network' | 'rate_limit' | 'permissions' | 'role' | 'scope';

export type Denial = {
  readonly ok: false;
  readonly status: number;
  readonly code: ErrorCode;
  readonly details: { readonly layer: Layer; readonly reason: string; readonly [key: string]: unknown };
  readonly rate?: RateOutcome;
};
export type Decision = { readonly ok: true; readonly principal: Principal; readonly rate: RateOutcome | null } | Denial;

/** Layer 5b: the rate limiter is stateful, so the caller passes it in; it runs only when 1–5a pass. */
export type RateLimiter = (principal: Principal, surface: Surface, now: number) => RateOutcome | null;

const deny = (status: number, code: ErrorCode, layer: Layer, reason: string, extra: Record<string, unknown> = {}): Denial => ({
  ok: false,
  status,
  code,
  details: { layer, reason, ...extra },
});

const unauthorized = (layer: Layer, reason: string, extra?: Record<string, unknown>): Denial =>
  deny(401, 'INVALID_AUTHORIZATION_HEADER', layer, reason, extra);
const forbidden = (layer: Layer, reason: string, extra?: Record<string, unknown>): Denial =>
  deny(403, 'INSUFFICIENT_PERMISSIONS', layer, reason, extra);

/** Layers 1–4: is this a live credential for this surface? */
export function checkCredential(credential: Credential, request: AccessRequest): Denial | Principal {
  switch (credential.kind) {
    case 'missing':
      return unauthorized('authorization', 'missing');
    case 'malformed':
      return unauthorized('authorization', 'malformed');
    case 'unknown':
      return unauthorized('token', 'unknown');
    case 'found':
      break;
  }
  const { principal } = credential;
  const { token } = principal;
  if (!token.enabled) return unauthorized('state', 'disabled');
  if (principal.expiresAtMs !== null && request.now >= principal.expiresAtMs) return unauthorized('state', 'expired');
  if (token.userId !== null && (principal.user === null || !principal.user.isActive)) {
    return unauthorized('state', 'no_user');
  }
  const surface = request.rule.surface;
  if (surface === 'cma' && !token.canAccessCma) return unauthorized('surface', 'can_access_cma');
  if (surface === 'cda') {
    if (request.includeDrafts && !token.canAccessCdaPreview) return unauthorized('surface', 'can_access_cda_preview');
    if (!token.canAccessCda && !token.canAccessCdaPreview) return unauthorized('surface', 'can_access_cda');
  }
  return principal;
}

/** Layers 6–8: may this live principal do this particular thing? */
export function checkGrant(principal: Principal, request: AccessRequest): Denial | null {
  const { rule, target } = request;
  const permission = rule.surface === 'cda' && request.includeDrafts ? 'content:preview' : rule.permission;
  if (permission !== null && !maskCovers(principal.permissionMask, permission)) {
    return forbidden('permissions', 'missing_permission', { permission });
  }
  if (principal.final === null) return forbidden('role', 'no_role');
  if (rule.roleFlag && !principal.final[rule.roleFlag]) return forbidden('role', 'missing_role_flag', { flag: rule.roleFlag });
  if (rule.content && target && !allowsContent(principal.final, rule.content, target)) {
    return forbidden('role', 'missing_content_permission', { action: rule.content, item_type: target.itemTypeId });
  }
  if (target && !inScope(principal, target.pathIds)) return forbidden('scope', 'outside_root_nodes');
  return null;
}

/** Root-node scope: no roots means the whole project; otherwise the path must cross a root. */
export function inScope(principal: Principal, pathIds: readonly string[]): boolean {
  const roots = principal.token.rootNodeIds;
  return roots.length === 0 || pathIds.some((id) => roots.includes(id));
}

export function decide(credential: Credential, request: AccessRequest, rateLimiter: RateLimiter): Decision {
  const live = checkCredential(credential, request);
  if ('ok' in live) return live;
  const principal = live;
  if (principal.allowlist !== null && !allowlistAdmits(principal.allowlist, request.clientIp)) {
    return forbidden('network', 'ip_not_allowed', { ip: request.clientIp });
  }
  const rate = rateLimiter(principal, request.rule.surface, request.now);
  if (rate && !rate.allowed) {
    return { ...deny(429, 'RATE_LIMIT_EXCEEDED', 'rate_limit', 'exceeded', { retry_after: rate.resetSeconds }), rate };
  }
  const denial = checkGrant(principal, request);
  if (denial) return rate ? { ...denial, rate } : denial;
  return { ok: true, principal, rate };
}
