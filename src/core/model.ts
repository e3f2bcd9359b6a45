/**
 * @module
 * The records Latchkey keeps about credentials. Timestamps are ISO-8601 strings in UTC.
 */
import type { RoleAttributes, Role } from './roles.ts';
import type { AnyRestriction, CompiledRestrictions } from './restrictions/index.ts';
import type { TokenGrants } from './grants.ts';

export type Surface = 'cma' | 'cda';
export type HardcodedType = 'readonly' | 'admin';
export type SecretMode = 'retrievable' | 'once';

/** Per-surface overrides of the default rate limits. */
export interface RateLimitOverride {
  readonly cma?: RateLimitPolicy;
  readonly cda?: RateLimitPolicy;
}
export interface RateLimitPolicy {
  readonly limit: number;
  readonly period_seconds: number;
}

/** A token: its grants (declared field by field in `grants.ts`) and what Latchkey keeps about it. */
export interface AccessToken extends TokenGrants {
  readonly id: string;
  readonly secretHash: string;
  /** AES-GCM sealed secret in `retrievable` mode; null in `once` mode. */
  readonly sealedSecret: string | null;
  readonly displayKey: string;
  readonly hardcodedType: HardcodedType | null;
  readonly createdByTokenId: string | null;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly rotatedAt: string | null;
  readonly lastCmaAccessAt: string | null;
  readonly lastCdaAccessAt: string | null;
}

export type { TokenGrants } from './grants.ts';
export { newTokenGrants } from './grants.ts';

export interface User {
  readonly id: string;
  readonly email: string;
  readonly fullName: string;
  readonly isActive: boolean;
  readonly roleId: string;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface Site {
  readonly name: string;
  readonly timeZone: string;
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** Who the caller is: the token, its base user and its effective role. */
export interface PrincipalBase {
  readonly token: AccessToken;
  /** The base user, when the token is based on one. */
  readonly user: User | null;
  /** The effective role: the token's own, or its base user's current role. */
  readonly role: Role | null;
  readonly final: RoleAttributes | null;
  /** The restrictions that can refuse this principal, in list order (the others are inert for it). */
  readonly checks: readonly AnyRestriction[];
}

/**
 * Everything the access decision needs about a caller, compiled once when the token enters the
 * cache (`principal.ts`) so the hot path is a few comparisons: the role's final permissions and
 * what each restriction compiles (the permission-string mask, the parsed expiry, the parsed IP
 * allowlist, …).
 */
export type Principal = PrincipalBase & CompiledRestrictions;
