/**
 * @module
 * What the core needs from the outside world, as small interfaces. The store implements the
 * storage ports once in SQL for SQLite and PostgreSQL; tests and the CLI pass a clock and a random
 * source.
 */
import type { AccessToken, Site, User, TokenGrants } from './model.ts';
import type { Role, RoleAttributes } from './roles.ts';
import type { AuditPage, AuditQuery, NewAuditEvent } from './audit.ts';
import type { ContentStore } from './content/ports.ts';

export interface Clock {
  now(): number;
}
export const systemClock: Clock = { now: () => Date.now() };

export interface NewAccessToken extends TokenGrants, Pick<AccessToken, 'secretHash' | 'displayKey' | 'hardcodedType' | 'createdByTokenId' | 'createdAt'> {}

export type AccessTokenPatch = Partial<TokenGrants & Pick<AccessToken, 'sealedSecret'>>;

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

/** A secret lookup: the token, and when the secret was a rotated-out one, the end of its grace. */
export interface SecretMatch {
  readonly token: AccessToken;
  /** null: the token's current secret; otherwise valid strictly before this instant (ISO-8601). */
  readonly graceUntil: string | null;
}

/**
 * A slice of a list in id order. `afterId` (keyset) lets a streamed list read chunk after chunk
 * without re-counting skipped rows; `offset` is the client's `page[offset]`.
 */
export interface PageRequest {
  readonly offset: number;
  readonly limit: number;
  readonly afterId?: string;
}

export interface TokenStore {
  /** Every token: for the CLI, key rotation and the token cache, never for a request's response. */
  listTokens(): Promise<AccessToken[]>;
  pageTokens(page: PageRequest): Promise<AccessToken[]>;
  countTokens(): Promise<number>;
  findToken(id: string): Promise<AccessToken | null>;
  /** By current secret hash, or by a previous one still inside its grace period at `nowIso`. */
  findTokenBySecretHash(hash: string, nowIso: string): Promise<SecretMatch | null>;
  createToken(token: NewAccessToken, seal: (id: string) => string | null): Promise<AccessToken>;
  updateToken(id: string, patch: AccessTokenPatch, updatedAt: string): Promise<AccessToken | null>;
  replaceSecret(id: string, replacement: SecretReplacement, seal: (id: string) => string | null): Promise<AccessToken | null>;
  deleteToken(id: string): Promise<boolean>;
  recordAccess(records: readonly AccessRecord[]): Promise<void>;
  /**
   * Swaps the sealed secret only if it is still `expected` (a rotation in between wins), without
   * touching `updated_at`: re-encryption changes no visible attribute. True when it was swapped.
   */
  resealSecret(id: string, expected: string, sealed: string): Promise<boolean>;
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
  pageRoles(page: PageRequest): Promise<Role[]>;
  countRoles(): Promise<number>;
  /** The roles among `ids` that exist, in id order. */
  findRoles(ids: readonly string[]): Promise<Role[]>;
  findRole(id: string): Promise<Role | null>;
  findRoleByName(name: string): Promise<Role | null>;
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
  pageUsers(page: PageRequest): Promise<User[]>;
  countUsers(): Promise<number>;
  /** The users among `ids` that exist, in id order. */
  findUsers(ids: readonly string[]): Promise<User[]>;
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

/** What the environment resource needs beyond the site row (see `core/environments.ts`). */
export interface EnvironmentStore {
  /** The latest `updated_at` of the site settings, a model or a record (ISO-8601 UTC); null before any. */
  lastDataChangeAt(): Promise<string | null>;
}

/** The audit trail; the use cases write to it inside the transaction of the change. */
export interface AuditLog {
  recordAuditEvent(event: NewAuditEvent): Promise<void>;
  /** Newest first. */
  listAuditEvents(query: AuditQuery): Promise<AuditPage>;
}

export interface Store extends TokenStore, RoleStore, UserStore, SiteStore, EnvironmentStore, ContentStore, AuditLog {
  /** Runs `work` in one transaction; a throw rolls everything back. */
  transaction<T>(work: (store: Store) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}
