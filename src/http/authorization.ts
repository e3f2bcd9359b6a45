/**
 * @module
 * The `Authorization` header: where the presented secret is read out of a request, so that the
 * token cache below only ever sees secrets. A missing or malformed header is answered here without
 * touching the cache.
 */
import type { Credential } from '../core/access.ts';
import type { TokenCache } from '../runtime/token-cache.ts';

const MISSING: Credential = { kind: 'missing' };
const MALFORMED: Credential = { kind: 'malformed' };

/** `Bearer` (any case, RFC 7235 §2.1) and one or more spaces (RFC 6750 §2.1): where the secret starts, or -1. */
function secretStart(authorization: string): number {
  if (authorization.length < 8) return -1;
  if (!authorization.startsWith('Bearer ') && authorization.slice(0, 7).toLowerCase() !== 'bearer ') return -1;
  let start = 7;
  while (authorization.charCodeAt(start) === 32) start++;
  return start;
}

/** The credential an `Authorization` header presents. Sync on a cache hit, so the common request pays no promise. */
export function credentialOf(cache: Pick<TokenCache, 'lookup'>, authorization: string | undefined): Credential | Promise<Credential> {
  if (authorization === undefined || authorization === '') return MISSING;
  const start = secretStart(authorization);
  if (start < 0) return MALFORMED;
  return cache.lookup(start === 7 ? authorization.slice(7) : authorization.slice(start));
}
