/**
 * @module
 * In-process rate limiting: one GCRA timestamp per token and surface. Costs a Map lookup and a
 * few arithmetic operations per request.
 *
 * A key whose theoretical arrival time has passed is indistinguishable from a key never seen
 * (GCRA starts from `max(tat, now)`), so such entries are swept out now and then: memory follows
 * the tokens active within one period, not every token ever seen.
 */
import type { RateLimiter } from '../core/access.ts';
import type { RateLimitPolicy, Surface } from '../core/model.ts';
import { consumeRate } from '../core/rate-limit.ts';

export type RateDefaults = Readonly<Record<Surface, RateLimitPolicy>>;

export const DEFAULT_RATE_LIMITS: RateDefaults = {
  cma: { limit: 60, period_seconds: 3 },
  cda: { limit: 40, period_seconds: 1 },
};

/** Sweep at most this often (ms of the limiter's clock), so the amortised cost stays O(1). */
const SWEEP_INTERVAL_MS = 10_000;

export interface MemoryRateLimiter extends RateLimiter {
  /** How many token/surface states are held. */
  readonly size: () => number;
}

export function createMemoryRateLimiter(defaults: RateDefaults): MemoryRateLimiter {
  const states: Record<Surface, Map<string, number>> = { cma: new Map(), cda: new Map() };
  let nextSweep = 0;
  const sweep = (now: number) => {
    for (const state of Object.values(states)) for (const [key, tat] of state) if (tat <= now) state.delete(key);
    nextSweep = now + SWEEP_INTERVAL_MS;
  };
  const limiter: RateLimiter = (principal, surface, now) => {
    if (now >= nextSweep) sweep(now);
    const policy = principal.token.rateLimit?.[surface] ?? defaults[surface];
    const state = states[surface];
    const outcome = consumeRate(policy, state.get(principal.token.id) ?? 0, now);
    if (outcome.allowed) state.set(principal.token.id, outcome.tat);
    return outcome;
  };
  return Object.assign(limiter, { size: () => states.cma.size + states.cda.size });
}
