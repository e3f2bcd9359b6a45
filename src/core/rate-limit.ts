/**
 * @module
 * Per-token, per-surface rate limiting with GCRA (the generic cell rate algorithm): one number of
 * state per key (the theoretical arrival time), smooth like a leaky bucket, bursts up to `limit`.
 * Pure: the caller keeps the state and passes the clock in.
 *
 * The arithmetic runs on whole microseconds. With fractional milliseconds (1000 / 7 ms per
 * request) the rounding of repeated additions at epoch magnitude made the last request of a
 * full burst land a hair past the window and be refused. Integers are exact up to 2^53 µs (year
 * 2255), and the emission interval is rounded down with the burst tolerance defined as exactly
 * `limit` intervals, so a burst of `limit` is always admitted and the next request never is.
 */
import type { RateLimitPolicy } from './model.ts';

export interface RateOutcome {
  readonly allowed: boolean;
  readonly limit: number;
  readonly remaining: number;
  /** Whole seconds until a request will be admitted again; ≥ 1 when denied. */
  readonly resetSeconds: number;
  /** The new theoretical arrival time to store, in milliseconds (unchanged when denied). */
  readonly tat: number;
}

const US_PER_MS = 1000;
const US_PER_S = 1_000_000;

export function consumeRate(policy: RateLimitPolicy, previousTat: number, now: number): RateOutcome {
  const interval = Math.max(1, Math.floor((policy.period_seconds * US_PER_S) / policy.limit));
  const tolerance = interval * policy.limit;
  const nowUs = Math.round(now * US_PER_MS);
  const tat = Math.max(Math.round(previousTat * US_PER_MS), nowUs);
  const nextTat = tat + interval;
  const allowAt = nextTat - tolerance;
  if (nowUs < allowAt) {
    return {
      allowed: false,
      limit: policy.limit,
      remaining: 0,
      resetSeconds: Math.max(1, Math.ceil((allowAt - nowUs) / US_PER_S)),
      tat: previousTat,
    };
  }
  return {
    allowed: true,
    limit: policy.limit,
    remaining: Math.max(0, Math.floor((tolerance - (nextTat - nowUs)) / interval)),
    resetSeconds: Math.max(1, Math.ceil((nextTat - nowUs) / US_PER_S)),
    tat: nextTat / US_PER_MS,
  };
}
