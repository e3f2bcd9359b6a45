/**
 * @module
 * What the core needs from the outside world, as small interfaces. The store implements the
 * storage ports once in SQL for SQLite and PostgreSQL; tests and the CLI pass a clock and a random
 * source.
 */
import type { AccessToken, Site, User, RateLimitOverride, HardcodedType } from './model.ts';
import type { Role, RoleAttributes } from './roles.ts';
import type { ContentStore } from './content/ports.ts';

export interface Clock {
  now(): number;
}
export const systemClock: Clock = { now: () => Date.now() };

export interface NewAccessToken {
  readonly name: string;
  readonly secretHash: string;
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
}

export type AccessTokenPatch = Partial<
  Pick<
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
    | 'sealedSecret'
  >
>;

export interface SecretReplacement {
  readonly secretHash: string;
  readonly sealedSecret: string | null;
  readonly displayKey: string;
  readonly rotatedAt: string;
  /** Keep the previous secret valid until then (zero-downtime rotation); null: invalid at once. */
  readonly previousValidUntil: string | null;
}

export interface AccessRecord {
  readonly tokenId: string;
  readonly cma: string | null;
  readonly cda: string | null;
}

export interface TokenStore {
  listTokens(): Promise<AccessToken[]>;
  findToken(id: string): Promise<AccessToken | null>;
  /** By current secret hash, or by a previous one still inside its grace period at `nowIso`. */
  findTokenBySecretHash(hash: string, nowIso: string): Promise<AccessToken | null>;
  createToken(token: NewAccessToken, seal: (id: string) => string | null): Promise<AccessToken>;
  updateToken(id: string, patch: AccessTokenPatch, updatedAt: string): Promise<AccessToken | null>;
  replaceSecret(id: string, replacement: SecretReplacement, seal: (id: string) => string | null): Promise<AccessToken | null>;
  deleteToken(id: string): Promise<boolean>;
  recordAccess(records: readonly AccessRecord[]): Promise<void>;
}

export interface NewRole {
  readonly name: string;
  readonly attributes: RoleAttributes;
  readonly inheritsFrom: readonly string[];
}

export interface RoleUsage {
  readonly tokens: number;
  readonly users: number;
  readonly inheritingRoles: number;
}

export interface RoleStore {
  listRoles(): Promise<Role[]>;
  findRole(id: string): Promise<Role | null>;
  createRole(role: NewRole, now: string): Promise<Role>;
  updateRole(id: string, role: NewRole, now: string): Promise<Role | null>;
  roleUsage(id: string): Promise<RoleUsage>;
  deleteRole(id: string): Promise<boolean>;
}

export interface NewUser {
  readonly email: string;
  readonly fullName: string;
  readonly isActive: boolean;
  readonly roleId: string;
}

export interface UserStore {
  listUsers(): Promise<User[]>;
  findUser(id: string): Promise<User | null>;
  findUserByEmail(email: string): Promise<User | null>;
  createUser(user: NewUser, now: string): Promise<User>;
  updateUser(id: string, user: NewUser, now: string): Promise<User | null>;
  /** Tokens based on the user; a user with tokens cannot be deleted. */
  countTokensOfUser(id: string): Promise<number>;
  deleteUser(id: string): Promise<boolean>;
}

export interface SiteStore {
  getSite(): Promise<Site | null>;
  initSite(site: Pick<Site, 'name' | 'timeZone'>, now: string): Promise<Site>;
  updateSite(site: Pick<Site, 'name' | 'timeZone'>, now: string): Promise<Site>;
}

export interface Store extends TokenStore, RoleStore, UserStore, SiteStore, ContentStore {
  /** Runs `work` in one transaction; a throw rolls everything back. */
  transaction<T>(work: (store: Store) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}
