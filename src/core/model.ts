/**
 * @module
 * The records Latchkey keeps about credentials. Timestamps are ISO-8601 strings in UTC.
 */
import type { RoleAttributes, Role } from './roles.ts';
import type { CompiledAllowlist } from './ip.ts';

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

export interface AccessToken {
  readonly id: string;
  readonly name: string;
  readonly secretHash: string;
  /** AES-GCM sealed secret in `retrievable` mode; null in `once` mode. */
  readonly sealedSecret: string | null;
  readonly displayKey: string;
  readonly hardcodedType: HardcodedType | null;
  readonly canAccessCda: boolean;
  readonly canAccessCdaPreview: boolean;
  readonly canAccessCma: boolean;
  readonly roleId: string | null;
  readonly userId: string | null;
  readonly permissions: readonly string[];
  readonly rootNodeIds: readonly string[];
  readonly enabled: boolean;
  readonly expiresAt: string | null;
  readonly ipAllowlist: readonly string[] | null;
  readonly rateLimit: RateLimitOverride | null;
  readonly createdByTokenId: string | null;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly rotatedAt: string | null;
  readonly lastCmaAccessAt: string | null;
  readonly lastCdaAccessAt: string | null;
}

/** What a token is allowed: everything about it that its creator chooses (no secret, no history). */
export type TokenGrants = Pick<
  AccessToken,
  | 'name'
  | 'canAccessCda'
  | 'canAccessCdaPreview'
  | 'canAccessCma'
  | 'roleId'
  | 'userId'
  | 'permissions'
  | 'rootNodeIds'
  | 'enabled'
  | 'expiresAt'
  | 'ipAllowlist'
  | 'rateLimit'
>;

/** The defaults of a new token: based on nothing yet, all permissions, whole project, no limits. */
export function newTokenGrants(
  given: Pick<TokenGrants, 'name' | 'canAccessCda' | 'canAccessCdaPreview' | 'canAccessCma'> & Partial<TokenGrants>,
): TokenGrants {
  return { roleId: null, userId: null, permissions: ['*'], rootNodeIds: [], enabled: true, expiresAt: null, ipAllowlist: null, rateLimit: null, ...given };
}

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

/**
 * Everything the access decision needs about a caller, compiled once when the token enters the
 * cache so the hot path is a few comparisons: the role's final permissions, the permission-string
 * mask, the parsed expiry and the parsed IP allowlist.
 */
export interface Principal {
  readonly token: AccessToken;
  /** The base user, when the token is based on one. */
  readonly user: User | null;
  /** The effective role: the token's own, or its base user's current role. */
  readonly role: Role | null;
  readonly final: RoleAttributes | null;
  readonly permissionMask: number;
  readonly expiresAtMs: number | null;
  readonly allowlist: CompiledAllowlist | null;
}
