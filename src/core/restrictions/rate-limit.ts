/**
 * @module
 * `rate_limit`: requests per surface beyond the token's policy are refused (429, layer
 * `rate_limit`). The limiter is stateful, so the decision passes it in; it is consulted only when
 * every earlier restriction admitted, and the access check never consumes it. A token's own policy
 * is not capped by its creator's (it shares nothing with it).
 */
import { deny, restriction, type Restriction } from './restriction.ts';

export const rateLimit: Restriction<'rate_limit'> = restriction({
  name: 'rate_limit',
  layer: 'rate_limit',
  stage: 'request',
  admit(principal, request, limiter) {
    const rate = limiter(principal, request.rule.surface, request.now);
    if (rate === null || rate.allowed) return rate;
    return { ...deny(429, 'RATE_LIMIT_EXCEEDED', 'rate_limit', 'exceeded', { retry_after: rate.resetSeconds }), rate };
  },
});
