/**
 * @module
 * Rate limits shared by several instances through Redis, without Redis on the request path
 * (local-first, the way Unkey does it).
 *
 * Each instance decides every request from its own GCRA state, as the in-memory limiter does.
 * Every `syncMs` it sends, in one pipeline, how many requests it admitted per token and surface
 * since the last round; a Lua script adds them to the shared theoretical arrival time (TAT) in
 * Redis and returns the sum of everyone's use, which becomes the local TAT when it is later than
 * ours. The local view therefore only ever rises, and over time every instance enforces the
 * global rate.
 *
 * The price is accuracy near the limit. Between two rounds each of N instances decides alone, so
 * at most about (N − 1) × (burst + rate × (syncMs + Redis round trip)) requests beyond the limit
 * are admitted: the most when a token is idle and all instances see a full burst at once. The
 * shared TAT keeps the excess as debt, so the instances then refuse until it has been paid back;
 * the long-run rate is the configured one.
 *
 * Redis down: every instance keeps enforcing its own limit (fail open to local limits), logs
 * once per outage, and resumes sharing when Redis is back. No request ever waits for or fails
 * because of Redis. A Redis that stops answering without closing the connection (a hung or
 * paused process, a silent partition) is noticed by the command timeout; while nothing is to be
 * sent, a PING every `probeMs` keeps `healthy` true to the facts.
 */
import { Redis } from 'ioredis';
import type { RateLimiter } from '../core/access.ts';
import type { Surface } from '../core/model.ts';
import type { Clock } from '../core/ports.ts';
import { consumeRate } from '../core/rate-limit.ts';
import type { RateDefaults } from './rate-limiter.ts';
import { errorMessage, type Log } from '../core/log.ts';

/** Adds `n` admissions to the shared TAT (GCRA: from max(TAT, first) on) and returns the result. */
const SYNC_SCRIPT = `
local stored = tonumber(redis.call('GET', KEYS[1])) or 0
local first = tonumber(ARGV[1])
local n = tonumber(ARGV[2])
if n > 0 then
  stored = math.max(stored, first) + n * tonumber(ARGV[3])
  local ttl = math.max(1, math.ceil(stored - tonumber(ARGV[5]) + tonumber(ARGV[4])))
  redis.call('SET', KEYS[1], string.format('%.3f', stored), 'PX', ttl)
end
return string.format('%.3f', stored)
`;

type SyncingRedis = Redis & {
  latchkeyRateSync(key: string, first: number, n: number, interval: number, period: number, now: number): Promise<string>;
};

interface KeyState {
  /** This instance's view of the theoretical arrival time: own use plus everyone's, as last merged. */
  tat: number;
  /** Admitted here and not yet sent. */
  pending: number;
  firstPendingAt: number;
  interval: number;
  period: number;
  lastSeen: number;
}

export interface SharedRateLimiterOptions {
  readonly url: string;
  readonly defaults: RateDefaults;
  readonly clock: Clock;
  readonly log: Log;
  /** Prefix of every Redis key, so deployments (and test files) sharing one Redis stay apart. */
  readonly keyPrefix?: string;
  readonly syncMs?: number;
  /** How long a command may go unanswered before the round counts as failed. */
  readonly commandTimeoutMs?: number;
  /** With nothing to send, how often Redis is pinged to notice an outage (and its end). */
  readonly probeMs?: number;
}

/** ioredis's rejection for a command that got no answer within `commandTimeout`. */
const TIMED_OUT = 'Command timed out';

export class SharedRateLimiter {
  readonly #options: Required<SharedRateLimiterOptions>;
  readonly #redis: SyncingRedis;
  readonly #states = new Map<string, KeyState>();
  #healthy = true;
  #timer: NodeJS.Timeout | null = null;
  #soon: NodeJS.Immediate | null = null;
  #syncing: Promise<void> = Promise.resolve();
  /** When Redis last answered or was last probed (wall time, not the decision clock). */
  #lastContact = 0;

  constructor(options: SharedRateLimiterOptions) {
    this.#options = { keyPrefix: 'latchkey:', syncMs: 50, commandTimeoutMs: 1_000, probeMs: 1_000, ...options };
    this.#redis = new Redis(options.url, {
      keyPrefix: this.#options.keyPrefix,
      lazyConnect: true,
      // Fail fast while disconnected instead of queueing: a failed round is simply retried.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      connectTimeout: 2_000,
      commandTimeout: this.#options.commandTimeoutMs,
    }) as SyncingRedis;
    this.#redis.defineCommand('latchkeyRateSync', { numberOfKeys: 1, lua: SYNC_SCRIPT });
    this.#redis.on('error', (error: unknown) => this.#unhealthy(error));
  }

  /** The decision, from memory only; the signature the core's `decide` expects. */
  readonly limit: RateLimiter = (principal, surface, now) => {
    const policy = principal.token.rateLimit?.[surface] ?? this.#options.defaults[surface];
    const key = stateKey(surface, principal.token.id);
    const interval = (policy.period_seconds * 1000) / policy.limit;
    let state = this.#states.get(key);
    if (!state) {
      state = { tat: 0, pending: 0, firstPendingAt: now, interval, period: policy.period_seconds * 1000, lastSeen: now };
      this.#states.set(key, state);
      // New here: others may have used this token already. Ask at once rather than at the next
      // tick, which narrows the window in which an instance admits a whole burst on its own.
      this.#syncSoon();
    }
    const outcome = consumeRate(policy, state.tat, now);
    state.interval = interval;
    state.period = policy.period_seconds * 1000;
    state.lastSeen = now;
    if (outcome.allowed) {
      state.tat = outcome.tat;
      if (state.pending === 0) state.firstPendingAt = now;
      state.pending++;
    }
    return outcome;
  };

  /** Connects and starts syncing; when Redis is unreachable, starts anyway on local limits. */
  async start(): Promise<void> {
    await this.#redis.connect().catch((error: unknown) => this.#unhealthy(error));
    this.#timer ??= setInterval(() => void this.sync(), this.#options.syncMs);
    this.#timer.unref();
  }

  /** Whether the last round reached Redis (false from the first failure until a round succeeds). */
  get healthy(): boolean {
    return this.#healthy;
  }

  /** One round: send what was admitted here, merge back everyone's use. Never rejects. */
  sync(): Promise<void> {
    this.#syncing = this.#syncing.then(() => this.#round());
    return this.#syncing;
  }

  async close(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    if (this.#soon) clearImmediate(this.#soon);
    this.#timer = this.#soon = null;
    await this.sync();
    if (this.#redis.status === 'ready') await this.#redis.quit().catch(() => {});
    else this.#redis.disconnect();
  }

  #syncSoon(): void {
    if (this.#soon || !this.#timer) return;
    this.#soon = setImmediate(() => {
      this.#soon = null;
      void this.sync();
    });
  }

  async #round(): Promise<void> {
    if (this.#redis.status !== 'ready') {
      // A connection closed without an error (Redis restarted, a proxy cut it) is still an outage.
      this.#unhealthy(new Error(`Redis connection is ${this.#redis.status}`));
      return;
    }
    const now = this.#options.clock.now();
    const batch: { key: string; state: KeyState; sent: number }[] = [];
    for (const [key, state] of this.#states) {
      if (state.pending === 0 && now - state.lastSeen >= state.period && state.tat <= now) {
        // Unused for a whole period and no debt left: forget it; Redis keeps the shared state.
        this.#states.delete(key);
        continue;
      }
      // A round normally holds less than a burst; after an outage, what was admitted meanwhile
      // under local limits is reported as one burst at most, so it cannot lock the token out.
      batch.push({ key, state, sent: Math.min(state.pending, burst(state)) });
      state.pending = 0;
    }
    if (batch.length === 0) {
      await this.#probe();
      return;
    }
    this.#lastContact = Date.now();
    const pipeline = this.#redis.pipeline() as ReturnType<Redis['pipeline']> & {
      latchkeyRateSync(key: string, first: number, n: number, interval: number, period: number, now: number): unknown;
    };
    for (const { key, state, sent } of batch) pipeline.latchkeyRateSync(`rl:${key}`, state.firstPendingAt, sent, state.interval, state.period, now);
    let results: [Error | null, unknown][] | null;
    try {
      results = await pipeline.exec();
    } catch (error) {
      results = null;
      this.#unhealthy(error);
    }
    let failed: unknown = null;
    batch.forEach(({ state, sent }, i) => {
      const [error, value] = results?.[i] ?? [new Error('no reply'), null];
      if (error || typeof value !== 'string') {
        failed ??= error ?? new Error('unexpected reply');
        // A timed-out command may still reach Redis (a paused server reads it when it resumes):
        // sending it again could count those requests twice, so it is not retried. Any other
        // failure means it was not applied, and it goes out with the next round.
        if (error?.message !== TIMED_OUT) state.pending = Math.min(state.pending + sent, burst(state));
        return;
      }
      state.tat = Math.max(state.tat, Number(value));
    });
    if (failed) this.#unhealthy(failed);
    else this.#recovered();
  }

  /** Idle: a PING now and then, so an outage (and its end) is noticed with no traffic at all. */
  async #probe(): Promise<void> {
    const now = Date.now();
    if (now - this.#lastContact < this.#options.probeMs) return;
    this.#lastContact = now;
    try {
      await this.#redis.ping();
      this.#recovered();
    } catch (error) {
      this.#unhealthy(error);
    }
  }

  #unhealthy(error: unknown): void {
    if (!this.#healthy) return;
    this.#healthy = false;
    this.#options.log('warn', 'rate-limit sync with Redis failed; each instance enforces its own limits until Redis is back', {
      err: errorMessage(error),
    });
  }

  #recovered(): void {
    if (this.#healthy) return;
    this.#healthy = true;
    this.#options.log('info', 'rate-limit sync with Redis resumed');
  }
}

function burst(state: KeyState): number {
  return Math.max(1, Math.round(state.period / state.interval));
}

function stateKey(surface: Surface, tokenId: string): string {
  return `${surface}:${tokenId}`;
}
