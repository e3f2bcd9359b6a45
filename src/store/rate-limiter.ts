/**
 * @module
 * In-process rate limiting: one GCRA timestamp per token and surface. Costs a Map lookup and a
 * few arithmetic operations per request.
 */
import type { RateLimiter } from '../core/access.ts';
import type { RateLimitPolicy, Surface } from '../core/model.ts';
import { consumeRate } from '../core/rate-limit.ts';

export type RateDefaults = Readonly<Record<Surface, RateLimitPolicy>>;

export const DEFAULT_RATE_LIMITS: RateDefaults = {
  cma: { limit: 60, period_seconds: 3 },
  cda: { limit: 40, period_seconds: 1 },
};

export function createMemoryRateLimiter(defaults: RateDefaults): RateLimiter {
  const cma = new Map<string, number>();
  const cda = new Map<string, number>();
  return (principal, surface, now) => {
    const policy = principal.token.rateLimit?.[surface] ?? defaults[surface];
    const state = surface === 'cma' ? cma : cda;
    const outcome = consumeRate(policy, state.get(principal.token.id) ?? 0, now);
    if (outcome.allowed) state.set(principal.token.id, outcome.tat);
    return outcome;
  };
}
