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
import type { EndpointRule } from './endpoints.ts';
import type { Principal, Surface } from './model.ts';
import type { RateOutcome } from './rate-limit.ts';
import type { ContentTarget } from './roles.ts';
import { unauthorized, type CredentialLayer, type Denial as LayerDenial } from './restrictions/restriction.ts';
import { GRANT, LIVE, type AnyRestriction, type RestrictionLayer } from './restrictions/index.ts';

export { inScope } from './restrictions/root-nodes.ts';

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
  /** The request's `Origin` header (browsers send it on cross-origin calls); absent or null: none. */
  readonly origin?: string | null | undefined;
  readonly now: number;
  readonly target?: ItemTarget;
}

export type Layer = CredentialLayer | RestrictionLayer;

export type Denial = LayerDenial<Layer>;
export type Decision = { readonly ok: true; readonly principal: Principal; readonly rate: RateOutcome | null } | Denial;

/** The rate limiter is stateful, so the caller passes it in; it runs only when every earlier layer admits. */
export type RateLimiter = (principal: Principal, surface: Surface, now: number) => RateOutcome | null;

const NO_RATE: RateLimiter = () => null;

/**
 * Runs `restrictions` in order; the first refusal wins. Returns the denial, or the rate outcome a
 * metering restriction reported (null when none did). Plain indexed loop: this is the hot path, and
 * an admitted request allocates nothing here.
 */
function run(restrictions: readonly AnyRestriction[], principal: Principal, request: AccessRequest, limiter: RateLimiter): Denial | RateOutcome | null {
  let rate: RateOutcome | null = null;
  for (let i = 0; i < restrictions.length; i++) {
    const outcome = restrictions[i]!.admit(principal, request, limiter);
    if (outcome === null) continue;
    if ('ok' in outcome) return rate !== null && outcome.rate === undefined ? { ...outcome, rate } : outcome;
    rate = outcome;
  }
  return rate;
}

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
  const denial = run(LIVE, credential.principal, request, NO_RATE);
  return denial !== null && 'ok' in denial ? denial : credential.principal;
}

/** Layers 6–8: may this live principal do this particular thing? */
export function checkGrant(principal: Principal, request: AccessRequest): Denial | null {
  const denial = run(GRANT, principal, request, NO_RATE);
  return denial !== null && 'ok' in denial ? denial : null;
}

/**
 * The decision: the credential, then the restrictions in list order: those that can refuse this
 * principal, or exactly `restrictions` when given (the access check leaves some out).
 */
export function decide(credential: Credential, request: AccessRequest, rateLimiter: RateLimiter, restrictions?: readonly AnyRestriction[]): Decision {
  if (credential.kind !== 'found') return checkCredential(credential, request) as Denial;
  const principal = credential.principal;
  // By default only the restrictions that can refuse this principal run (compiled with it).
  const outcome = run(restrictions ?? principal.checks, principal, request, rateLimiter);
  if (outcome !== null && 'ok' in outcome) return outcome;
  return { ok: true, principal, rate: outcome };
}
