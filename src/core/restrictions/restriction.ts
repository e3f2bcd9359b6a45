/**
 * @module
 * What a token restriction is: one module per restriction, each with the same parts, so that the
 * access decision, the escalation check, validation and the access check loop over one ordered
 * list (`index.ts`) instead of remembering each restriction in each place.
 *
 *  - `validate`: value rules the API schema cannot express (INVALID_FIELD);
 *  - `compile`: what the decision needs, computed once when the token enters the cache;
 *  - `admit`: refuse a request (naming its layer) or let it pass;
 *  - `exceeds`: what a new token's value holds beyond its creator's (no escalation);
 *  - `explain` and `skipInCheck`: how the access check reports it.
 */
import type { ErrorCode } from '../errors.ts';
import type { AccessToken, Principal } from '../model.ts';
import type { TokenGrants } from '../grants.ts';
import type { RoleAttributes } from '../roles.ts';
import type { RateOutcome } from '../rate-limit.ts';
import type { AccessRequest, RateLimiter } from '../access.ts';

/**
 * When a restriction runs: `live` (is the credential usable at all: 401), `request` (this request's
 * circumstances: network, origin, rate), `grant` (may it do this particular thing: 403). The access
 * decision runs the stages in this order, and the list keeps each stage's restrictions together.
 */
export type Stage = 'live' | 'request' | 'grant';

/** Layers refused before any restriction runs: the Authorization header and the secret. */
export type CredentialLayer = 'authorization' | 'token';

export type Denial<L extends string = string> = {
  readonly ok: false;
  readonly status: number;
  readonly code: ErrorCode;
  readonly details: { readonly layer: L; readonly reason: string; readonly [key: string]: unknown };
  readonly rate?: RateOutcome;
};

/** The facts the access check is asked about, as far as a restriction's explanation needs them. */
export interface CheckFacts {
  /** null: no client address was given, so the IP allowlist is not evaluated. */
  readonly clientIp: string | null;
  /** null: no browser origin was given. */
  readonly origin: string | null;
}

/** What the escalation check knows about the would-be token beyond its grants. */
export interface EscalationContext {
  /** The final permissions of the role the new token would act with (null: no role). */
  readonly childRole: RoleAttributes | null;
  /** Ancestors-and-self of an item, when the item paths are at hand. */
  readonly rootPath?: ((itemId: string) => readonly string[] | null) | undefined;
}

/**
 * One restriction. `C` is what it compiles into the principal (an object of its own fields, `{}`
 * when it needs none), so the principal's type is the sum of the list's.
 */
export interface Restriction<L extends string, C extends object = object> {
  readonly name: string;
  readonly layer: L;
  readonly stage: Stage;
  readonly validate?: (grants: Partial<TokenGrants>) => void;
  readonly compile?: (token: AccessToken) => C;
  /**
   * null admits. A restriction that meters (the rate limit) admits with the outcome it consumed,
   * which the decision reports; it is the only one given the limiter.
   */
  readonly admit: (principal: Principal, request: AccessRequest, limiter: RateLimiter) => Denial<L> | RateOutcome | null;
  /**
   * True when `admit` would admit every request of this principal (no list, no expiry, …): the
   * principal's compiled `checks` leave it out, so the hot path calls only what can refuse.
   */
  readonly inert?: (principal: Principal) => boolean;
  /** Names of what `grants` would hold that `caller` does not; empty when within. */
  readonly exceeds?: (caller: Principal, grants: TokenGrants, context: EscalationContext) => readonly string[];
  /** What the access check says about this restriction, merged into its details. */
  readonly explain?: (principal: Principal, facts: CheckFacts) => Readonly<Record<string, unknown>>;
  /** Left out of the access check's decision for these facts (it cannot be evaluated). */
  readonly skipInCheck?: (facts: CheckFacts) => boolean;
}

/**
 * Declares a restriction. Every restriction object gets the same keys in the same order, absent
 * parts as `undefined`: the decision loads `admit` from each in one loop on every request, and one
 * object shape keeps that load monomorphic (measured: with shapes that differ, the loop cost
 * several times what the inline checks it replaced did).
 */
export function restriction<L extends string, C extends object = object>(spec: Restriction<L, C>): Restriction<L, C> {
  return {
    name: spec.name,
    layer: spec.layer,
    stage: spec.stage,
    validate: spec.validate,
    compile: spec.compile,
    admit: spec.admit,
    inert: spec.inert,
    exceeds: spec.exceeds,
    explain: spec.explain,
    skipInCheck: spec.skipInCheck,
  };
}

export const deny = <L extends string>(status: number, code: ErrorCode, layer: L, reason: string, extra: Record<string, unknown> = {}): Denial<L> => ({
  ok: false,
  status,
  code,
  details: { layer, reason, ...extra },
});

export const unauthorized = <L extends string>(layer: L, reason: string, extra?: Record<string, unknown>): Denial<L> =>
  deny(401, 'INVALID_AUTHORIZATION_HEADER', layer, reason, extra);
export const forbidden = <L extends string>(layer: L, reason: string, extra?: Record<string, unknown>): Denial<L> =>
  deny(403, 'INSUFFICIENT_PERMISSIONS', layer, reason, extra);

const NOTHING: readonly string[] = Object.freeze([]);
/** `name` when `excess` holds, else nothing: most restrictions exceed in one way only. */
export const excessIf = (excess: boolean, name: string): readonly string[] => (excess ? [name] : NOTHING);
