/**
 * @module
 * Last access per token and surface, kept in memory and written in batches. One write per request
 * would serialise every request of a token on one row lock (Gitea #39174); instead a request costs
 * a Map update and a flush writes everything seen since the last one in one statement.
 */
import type { Surface } from '../core/model.ts';
import type { AccessRecord, TokenStore } from '../core/ports.ts';

type Times = { cma: number | null; cda: number | null };

const later = (a: number | null, b: number | null): number | null => (a === null ? b : b === null ? a : Math.max(a, b));

export class AccessRecorder {
  readonly #store: TokenStore;
  /** Seen since the last flush began. */
  #pending = new Map<string, Times>();
  /** Being written right now: still the freshest truth for reads until the write lands. */
  #inFlight = new Map<string, Times>();
  #timer: NodeJS.Timeout | null = null;
  #flushing: Promise<unknown> = Promise.resolve();

  constructor(store: TokenStore) {
    this.#store = store;
  }

  /** On every granted request: two Map lookups, no allocation once the token has been seen. */
  record(tokenId: string, surface: Surface, at: number): void {
    const entry = this.#pending.get(tokenId);
    if (entry) entry[surface] = later(entry[surface], at);
    else this.#pending.set(tokenId, surface === 'cma' ? { cma: at, cda: null } : { cma: null, cda: at });
  }

  /** The freshest known access, merging what is not yet written with what the database says. */
  latest(tokenId: string, surface: Surface, stored: string | null): string | null {
    const mine = later(this.#pending.get(tokenId)?.[surface] ?? null, this.#inFlight.get(tokenId)?.[surface] ?? null);
    if (mine === null) return stored;
    const iso = new Date(mine).toISOString();
    return stored !== null && stored > iso ? stored : iso;
  }

  get pendingCount(): number {
    return this.#pending.size;
  }

  /**
   * Writes everything pending in one batch; concurrent calls queue behind each other. A failed
   * write (the database away or locked) puts its batch back, merged with whatever arrived
   * meanwhile, so the next flush retries it instead of losing it. Resolves to how many tokens'
   * times were written.
   */
  flush(): Promise<number> {
    const run = async (): Promise<number> => {
      if (this.#pending.size === 0) return 0;
      const batch = this.#pending;
      this.#pending = new Map();
      this.#inFlight = batch;
      try {
        await this.#store.recordAccess([...batch].map(([tokenId, at]) => toRecord(tokenId, at)));
        return batch.size;
      } catch (error) {
        for (const [tokenId, at] of batch) {
          if (at.cma !== null) this.record(tokenId, 'cma', at.cma);
          if (at.cda !== null) this.record(tokenId, 'cda', at.cda);
        }
        throw error;
      } finally {
        this.#inFlight = new Map();
      }
    };
    // Chain on the previous flush whether it succeeded or not: one failure must not stop all later ones.
    const next = this.#flushing.then(run);
    this.#flushing = next.catch(() => undefined);
    return next;
  }

  /**
   * Flushes every `intervalMs`. `onError` hears the first failure of a run of failures (an outage
   * fails every flush until it ends: one report, not one per interval), `onRecovered` the first
   * flush that writes again.
   */
  start(intervalMs: number, onError: (error: unknown) => void, onRecovered?: () => void): void {
    let failing = false;
    this.#timer ??= setInterval(() => {
      this.flush().then(
        (written) => {
          if (failing && written > 0) {
            failing = false;
            onRecovered?.();
          }
        },
        (error: unknown) => {
          if (failing) return;
          failing = true;
          onError(error);
        },
      );
    }, intervalMs);
    this.#timer.unref();
  }

  /** Stops the timer and writes what is pending; rejects (keeping the data) if that write fails. */
  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    await this.flush();
  }
}

function toRecord(tokenId: string, at: Times): AccessRecord {
  return {
    tokenId,
    cma: at.cma === null ? null : new Date(at.cma).toISOString(),
    cda: at.cda === null ? null : new Date(at.cda).toISOString(),
  };
}
