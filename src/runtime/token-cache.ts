/**
 * @module
 * The verification hot path: presented secret → compiled {@link Principal}, from memory. The
 * transport reads the secret out of its header (`http/authorization.ts`); the principal is built by
 * `core/principal.ts`; this only remembers the answers.
 *
 * The cache is keyed by the presented secret itself, so a hit costs one Map lookup (only
 * well-formed secrets are ever remembered); the checksum check and the SHA-256 that the store is
 * keyed by run only on a miss. Measured in the
 * server, that hash is the largest single cost of verification (several µs once the rest of a
 * request has evicted the CPU caches), while the secret string passes through this process's
 * memory on every request anyway. Nothing here is ever written out or logged. A Map lookup does
 * compare strings, but only after V8's per-process randomly seeded string hash matched in full, so
 * a caller cannot steer its guesses towards a remembered secret: there is no timing to learn from.
 *
 * On a miss the store is asked once and the answer (including "unknown") is cached. Every write
 * that changes a token, a user or a role is announced on the change bus (and, on PostgreSQL, to
 * every instance through NOTIFY), which drops the affected entries, so a change is in force on the
 * very next request. Entries also expire after `ttlMs` as a backstop for changes made behind the
 * server's back (the offline CLI) or notifications lost with a dropped connection.
 */
import type { Credential } from '../core/access.ts';
import type { AccessToken, Principal, User } from '../core/model.ts';
import type { Clock, Store } from '../core/ports.ts';
import { hashSecret, secretShape } from '../core/secret.ts';
import type { Role } from '../core/roles.ts';
import { compilePrincipal } from '../core/principal.ts';
import type { Change, ChangeBus } from '../core/changes.ts';

interface Entry {
  readonly principal: Principal;
  /** Built once, so a cache hit allocates nothing. */
  readonly credential: Credential;
  readonly loadedAt: number;
  /** A rotated-out secret in its grace period: unusable from this instant, whatever the TTL says. */
  readonly validUntil: number;
}

const UNKNOWN: Credential = { kind: 'unknown' };
const MALFORMED: Credential = { kind: 'malformed' };

export interface TokenCacheOptions {
  readonly ttlMs: number;
  /** Upper bound on remembered unknown secrets, so a flood of random tokens cannot grow memory. */
  readonly maxNegative: number;
  /** Upper bound on remembered tokens; the longest-held entry makes room (it reloads on next use). */
  readonly maxEntries?: number;
}

export class TokenCache {
  readonly #store: Store;
  readonly #clock: Clock;
  readonly #options: TokenCacheOptions;
  readonly #maxEntries: number;
  readonly #known = new Map<string, Entry>();
  /** Secrets the store did not know, with when it said so. */
  readonly #unknown = new Map<string, number>();
  readonly #secretsByToken = new Map<string, Set<string>>();
  readonly #tokensByUser = new Map<string, Set<string>>();
  /**
   * Lookups under way, so concurrent first requests with one secret share a single store read; a
   * request that arrives after a change (a newer generation) never joins a read older than it.
   */
  readonly #loading = new Map<string, { readonly generation: number; readonly credential: Promise<Credential> }>();
  /** Bumped by every invalidation, so a load that raced with a change is not remembered. */
  #generation = 0;
  #roles: Promise<Map<string, Role>> | null = null;

  constructor(store: Store, clock: Clock, bus: ChangeBus, options: TokenCacheOptions) {
    this.#store = store;
    this.#clock = clock;
    this.#options = options;
    this.#maxEntries = options.maxEntries ?? 200_000;
    bus.subscribe((change) => this.invalidate(change));
  }

  /** The credential a presented secret stands for. Sync on a cache hit, so the common request pays no promise; async on a miss. */
  lookup(secret: string): Credential | Promise<Credential> {
    const now = this.#clock.now();
    const entry = this.#known.get(secret);
    if (entry !== undefined) {
      // Only well-formed secrets are ever remembered, so a hit needs no checksum.
      if (now >= entry.validUntil) return UNKNOWN;
      if (now - entry.loadedAt < this.#options.ttlMs) return entry.credential;
    } else {
      // The checksum turns away typos and random floods before any hashing or storage.
      if (secretShape(secret) === 'malformed') return MALFORMED;
      const unknownSince = this.#unknown.get(secret);
      if (unknownSince !== undefined && now - unknownSince < this.#options.ttlMs) return UNKNOWN;
    }
    const pending = this.#loading.get(secret);
    if (pending && pending.generation === this.#generation) return pending.credential;
    const loading = { generation: this.#generation, credential: this.#load(secret, now) };
    this.#loading.set(secret, loading);
    void loading.credential
      .finally(() => {
        if (this.#loading.get(secret) === loading) this.#loading.delete(secret);
      })
      .catch(() => {});
    return loading.credential;
  }

  async #load(secret: string, now: number): Promise<Credential> {
    const generation = this.#generation;
    const match = await this.#store.findTokenBySecretHash(hashSecret(secret), new Date(now).toISOString());
    if (!match) {
      if (generation === this.#generation) this.#rememberUnknown(secret, now);
      return UNKNOWN;
    }
    const principal = await this.#compile(match.token);
    const entry: Entry = {
      principal,
      credential: { kind: 'found', principal },
      loadedAt: now,
      validUntil: match.graceUntil ? Date.parse(match.graceUntil) : Infinity,
    };
    // A change announced while we were reading may not be in what we read: use it once, keep nothing.
    if (generation === this.#generation) this.#remember(secret, entry);
    return entry.credential;
  }

  #rememberUnknown(secret: string, now: number): void {
    if (this.#unknown.size >= this.#options.maxNegative) this.#unknown.clear();
    this.#unknown.set(secret, now);
  }

  #remember(secret: string, entry: Entry): void {
    this.#forget(secret);
    if (this.#known.size >= this.#maxEntries) {
      const oldest = this.#known.keys().next();
      if (!oldest.done) this.#forget(oldest.value);
    }
    const { token } = entry.principal;
    this.#known.set(secret, entry);
    this.#unknown.delete(secret);
    addTo(this.#secretsByToken, token.id, secret);
    if (token.userId !== null) addTo(this.#tokensByUser, token.userId, token.id);
  }

  #forget(secret: string): void {
    const entry = this.#known.get(secret);
    if (!entry) return;
    this.#known.delete(secret);
    const secrets = this.#secretsByToken.get(entry.principal.token.id);
    secrets?.delete(secret);
    if (secrets?.size === 0) {
      this.#secretsByToken.delete(entry.principal.token.id);
      const userId = entry.principal.token.userId;
      if (userId !== null) this.#tokensByUser.get(userId)?.delete(entry.principal.token.id);
    }
  }

  #forgetToken(tokenId: string): void {
    for (const secret of this.#secretsByToken.get(tokenId) ?? []) {
      const userId = this.#known.get(secret)?.principal.token.userId;
      if (userId != null) this.#tokensByUser.get(userId)?.delete(tokenId);
      this.#known.delete(secret);
    }
    this.#secretsByToken.delete(tokenId);
  }

  async #compile(token: AccessToken): Promise<Principal> {
    const user: User | null = token.userId ? await this.#store.findUser(token.userId) : null;
    const roles = await this.#loadRoles();
    return compilePrincipal(token, user, (id) => roles.get(id));
  }

  /** The principal a token compiles to, as a request would see it; for explaining access. */
  principalFor(token: AccessToken): Promise<Principal> {
    return this.#compile(token);
  }

  #loadRoles(): Promise<Map<string, Role>> {
    if (this.#roles) return this.#roles;
    const roles = this.#store.listRoles().then((list) => new Map(list.map((r) => [r.id, r])));
    this.#roles = roles;
    // A failed read (database briefly away) must not be remembered: the next miss tries again.
    roles.catch(() => {
      if (this.#roles === roles) this.#roles = null;
    });
    return roles;
  }

  invalidate(change: Change): void {
    this.#generation++;
    switch (change.kind) {
      case 'token':
        this.#forgetToken(change.id);
        // A new or rotated secret may have been remembered as unknown a moment ago.
        this.#unknown.clear();
        return;
      case 'user':
        for (const tokenId of this.#tokensByUser.get(change.id) ?? []) this.#forgetToken(tokenId);
        this.#tokensByUser.delete(change.id);
        return;
      case 'schema':
        return;
      case 'roles':
      case 'all':
        this.#roles = null;
        this.#known.clear();
        this.#unknown.clear();
        this.#secretsByToken.clear();
        this.#tokensByUser.clear();
        return;
    }
  }

  /** Remembered tokens (not counting unknown secrets). */
  get size(): number {
    return this.#known.size;
  }
}

function addTo(index: Map<string, Set<string>>, key: string, value: string): void {
  const set = index.get(key);
  if (set) set.add(value);
  else index.set(key, new Set([value]));
}
