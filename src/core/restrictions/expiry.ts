/**
 * @module
 * `expires_at`: from that instant the token is refused (401, layer `state`). A token that expires
 * can only create tokens that expire no later than it does.
 */
import { ApiProblem } from '../errors.ts';
import { excessIf, restriction, unauthorized, type Restriction } from './restriction.ts';

export const expiry: Restriction<'state', { readonly expiresAtMs: number | null }> = restriction({
  name: 'expires_at',
  layer: 'state',
  stage: 'live',
  validate(grants) {
    if (grants.expiresAt != null && Number.isNaN(Date.parse(grants.expiresAt))) {
      throw new ApiProblem('INVALID_FIELD', { field: 'expires_at', message: 'Not a date-time' });
    }
  },
  compile: (token) => ({ expiresAtMs: token.expiresAt ? Date.parse(token.expiresAt) : null }),
  admit: (principal, request) => (principal.expiresAtMs !== null && request.now >= principal.expiresAtMs ? unauthorized('state', 'expired') : null),
  inert: (principal) => principal.expiresAtMs === null,
  exceeds(caller, grants) {
    if (caller.expiresAtMs === null) return [];
    const childExpiry = grants.expiresAt === null ? Infinity : Date.parse(grants.expiresAt);
    return excessIf(!(childExpiry <= caller.expiresAtMs), 'expires_at');
  },
});
