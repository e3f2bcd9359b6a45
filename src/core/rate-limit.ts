/**
 * @module
 * Per-token, per-surface rate limiting with GCRA (the generic cell rate algorithm): one number of
 * state per key (the theoretical arrival time), smooth like a leaky bucket, bursts up to `limit`.
 * Pure: the caller keeps the state and passes the clock in.
 */
import type { RateLimitPolicy } from './model.ts';

export interface RateOutcome {
  readonly allowed: boolean;
  readonly limit: number;
  readonly remaining: number;
  /** Whole seconds until a request will be admitted again; ≥ 1 when denied. */
  readonly resetSeconds: number;
  /** The new theoretical arrival time to store (unchanged when denied). */
  readonly tat: number;
}

export function consumeRate(policy: RateLimitPolicy, previousTat: number, now: number): RateOutcome {
  const period = policy.period_seconds * 1000;
  const interval = period / policy.limit;
  const tat = Math.max(previousTat, now);
  const nextTat = tat + interval;
  const allowAt = nextTat - period;
  if (now < allowAt) {
    return {
      allowed: false,
      limit: policy.limit,
      remaining: 0,
      resetSeconds: Math.max(1, Math.ceil((allowAt - now) / 1000)),
      tat: previousTat,
    };
  }
  return {
    allowed: true,
    limit: policy.limit,
    remaining: Math.max(0, Math.floor((period - (nextTat - now)) / interval)),
    resetSeconds: Math.max(1, Math.ceil((nextTat - now) / 1000)),
    tat: nextTat,
  };
}
