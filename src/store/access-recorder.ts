/**
 * @module
 * Last access per token and surface, kept in memory and written in batches. One write per request
 * would serialise every request of a token on one row lock (Gitea #39174); instead a request costs
 * a Map.set and a flush writes everything seen since the last one.
 */
import type { Surface } from '../core/model.ts';
import type { AccessRecord, TokenStore } from '../core/ports.ts';

type Seen = Map<string, { cma: number | null; cda: number | null }>;

function mark(map: Seen, tokenId: string, surface: Surface, at: number): void {
  const entry = map.get(tokenId);
  if (entry) entry[surface] = at;
  else map.set(tokenId, surface === 'cma' ? { cma: at, cda: null } : { cma: null, cda: at });
}

export class AccessRecorder {
  readonly #store: TokenStore;
  #pending: Seen = new Map();
  /** Everything recorded since start, so reads are fresh before the flush reaches the database. */
  readonly #latest: Seen = new Map();
  #timer: NodeJS.Timeout | null = null;
  #flushing: Promise<void> = Promise.resolve();

  constructor(store: TokenStore) {
    this.#store = store;
  }

  /** On every granted request: two Map lookups, no allocation once the token has been seen. */
  record(tokenId: string, surface: Surface, at: number): void {
    mark(this.#pending, tokenId, surface, at);
    mark(this.#latest, tokenId, surface, at);
  }

  /** The freshest known access, merging what is not yet flushed with what the database says. */
  latest(tokenId: string, surface: Surface, stored: string | null): string | null {
    const mine = this.#latest.get(tokenId)?.[surface] ?? null;
    if (mine === null) return stored;
    const iso = new Date(mine).toISOString();
    return stored !== null && stored > iso ? stored : iso;
  }

  get pendingCount(): number {
    return this.#pending.size;
  }

  /** Writes everything pending in one batch; concurrent calls queue behind each other. */
  flush(): Promise<void> {
    this.#flushing = this.#flushing.then(async () => {
      if (this.#pending.size === 0) return;
      const batch = this.#pending;
      this.#pending = new Map();
      const records: AccessRecord[] = [...batch].map(([tokenId, at]) => ({
        tokenId,
        cma: at.cma === null ? null : new Date(at.cma).toISOString(),
        cda: at.cda === null ? null : new Date(at.cda).toISOString(),
      }));
      await this.#store.recordAccess(records);
    });
    return this.#flushing;
  }

  start(intervalMs: number, onError: (error: unknown) => void): void {
    this.#timer ??= setInterval(() => this.flush().catch(onError), intervalMs);
    this.#timer.unref();
  }

  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    await this.flush();
  }
}
