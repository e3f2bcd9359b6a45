/**
 * @module
 * The verification hot path: Authorization secret → compiled {@link Principal}, from memory.
 *
 * A well-formed secret is hashed once (one-shot SHA-256) and looked up in a Map. On a miss the
 * store is asked once and the answer (including "unknown") is cached. Every write that changes a
 * token, a user or a role is announced on the change bus (and, on PostgreSQL, to every instance
 * through NOTIFY), which drops the affected entries, so a change is in force on the very next
 * request. Entries also expire after `ttlMs` as a backstop for changes made behind the server's
 * back (the offline CLI) or notifications lost with a dropped connection.
 */
import type { Credential } from '../core/access.ts';
import type { AccessToken, Principal, User } from '../core/model.ts';
import type { Clock, Store } from '../core/ports.ts';
import { hashSecret, secretShape } from '../core/secret.ts';
import { finalPermissions, type Role } from '../core/roles.ts';
import { grantMask } from '../core/permissions.ts';
import { compileAllowlist } from '../core/ip.ts';
import type { Change, ChangeBus } from './changes.ts';

interface Entry {
  readonly principal: Principal | null;
  /** Built once, so a cache hit allocates nothing. */
  readonly credential: Credential;
  readonly loadedAt: number;
}

const UNKNOWN: Credential = { kind: 'unknown' };
const MISSING: Credential = { kind: 'missing' };
const MALFORMED: Credential = { kind: 'malformed' };

export interface TokenCacheOptions {
  readonly ttlMs: number;
  /** Upper bound on remembered unknown secrets, so a flood of random tokens cannot grow memory. */
  readonly maxNegative: number;
}

export class TokenCache {
  readonly #store: Store;
  readonly #clock: Clock;
  readonly #options: TokenCacheOptions;
  readonly #entries = new Map<string, Entry>();
  readonly #hashesByToken = new Map<string, Set<string>>();
  #negatives = 0;
  #roles: Promise<Map<string, Role>> | null = null;

  constructor(store: Store, clock: Clock, bus: ChangeBus, options: TokenCacheOptions) {
    this.#store = store;
    this.#clock = clock;
    this.#options = options;
    bus.subscribe((change) => this.invalidate(change));
  }

  /** Sync on a cache hit, so the common request pays no promise; async on a miss. */
  resolve(authorization: string | undefined): Credential | Promise<Credential> {
    if (authorization === undefined || authorization === '') return MISSING;
    // RFC 6750 §2.1: the scheme is case-insensitive, followed by one space and the token. The
    // usual spelling is checked first, without allocating a lower-cased copy.
    if (authorization.length < 8) return MALFORMED;
    if (!authorization.startsWith('Bearer ') && authorization.slice(0, 7).toLowerCase() !== 'bearer ') return MALFORMED;
    const secret = authorization.slice(7);
    if (secretShape(secret) === 'malformed') return MALFORMED;
    const hash = hashSecret(secret);
    const entry = this.#entries.get(hash);
    if (entry && this.#clock.now() - entry.loadedAt < this.#options.ttlMs) return entry.credential;
    return this.#load(hash);
  }

  #entry(principal: Principal | null, loadedAt: number): Entry {
    return { principal, credential: principal ? { kind: 'found', principal } : UNKNOWN, loadedAt };
  }

  async #load(hash: string): Promise<Credential> {
    const now = this.#clock.now();
    const token = await this.#store.findTokenBySecretHash(hash, new Date(now).toISOString());
    const principal = token ? await this.#compile(token) : null;
    const entry = this.#entry(principal, now);
    this.#remember(hash, entry);
    return entry.credential;
  }

  #remember(hash: string, entry: Entry): void {
    const { principal } = entry;
    if (principal === null) {
      if (this.#negatives >= this.#options.maxNegative) this.#dropNegatives();
      this.#negatives++;
    } else {
      const hashes = this.#hashesByToken.get(principal.token.id) ?? new Set<string>();
      hashes.add(hash);
      this.#hashesByToken.set(principal.token.id, hashes);
    }
    this.#entries.set(hash, entry);
  }

  #dropNegatives(): void {
    for (const [hash, entry] of this.#entries) if (entry.principal === null) this.#entries.delete(hash);
    this.#negatives = 0;
  }

  async #compile(token: AccessToken): Promise<Principal> {
    const user: User | null = token.userId ? await this.#store.findUser(token.userId) : null;
    const roles = await this.#loadRoles();
    const roleId = token.roleId ?? user?.roleId ?? null;
    const role = roleId ? (roles.get(roleId) ?? null) : null;
    return {
      token,
      user,
      role,
      final: role ? finalPermissions(role, (id) => roles.get(id)) : null,
      permissionMask: grantMask(token.permissions),
      expiresAtMs: token.expiresAt ? Date.parse(token.expiresAt) : null,
      allowlist: token.ipAllowlist ? compileAllowlist(token.ipAllowlist) : null,
    };
  }

  #loadRoles(): Promise<Map<string, Role>> {
    this.#roles ??= this.#store.listRoles().then((list) => new Map(list.map((r) => [r.id, r])));
    return this.#roles;
  }

  invalidate(change: Change): void {
    switch (change.kind) {
      case 'token': {
        for (const hash of this.#hashesByToken.get(change.id) ?? []) this.#entries.delete(hash);
        this.#hashesByToken.delete(change.id);
        // A new or rotated secret may have been remembered as unknown a moment ago.
        this.#dropNegatives();
        return;
      }
      case 'user':
        for (const [hash, entry] of this.#entries) {
          if (entry.principal?.token.userId === change.id) this.#entries.delete(hash);
        }
        return;
      case 'schema':
        return;
      case 'roles':
      case 'all':
        this.#roles = null;
        this.#entries.clear();
        this.#hashesByToken.clear();
        this.#negatives = 0;
        return;
    }
  }

  get size(): number {
    return this.#entries.size;
  }
}
