/**
 * @module
 * `ip_allowlist`: the client address must lie in one of the token's ranges (403, layer `network`).
 * A token confined to some networks can only create tokens confined to (parts of) the same. The
 * access check evaluates it only when it is given an address.
 */
import { ApiProblem } from '../errors.ts';
import { allowlistAdmits, allowlistWithin, compileAllowlist, invalidCidrs, type CompiledAllowlist } from './ip.ts';
import { excessIf, forbidden, restriction, type Restriction } from './restriction.ts';

export const ipAllowlist: Restriction<'network', { readonly allowlist: CompiledAllowlist | null }> = restriction({
  name: 'ip_allowlist',
  layer: 'network',
  stage: 'request',
  validate(grants) {
    if (!grants.ipAllowlist) return;
    const invalid = invalidCidrs(grants.ipAllowlist);
    if (invalid.length > 0) {
      throw new ApiProblem('INVALID_FIELD', { field: 'ip_allowlist', message: `Not an IP address or CIDR: ${invalid.join(', ')}`, invalid });
    }
  },
  compile: (token) => ({ allowlist: token.ipAllowlist ? compileAllowlist(token.ipAllowlist) : null }),
  admit: (principal, request) =>
    principal.allowlist !== null && !allowlistAdmits(principal.allowlist, request.clientIp)
      ? forbidden('network', 'ip_not_allowed', { ip: request.clientIp })
      : null,
  inert: (principal) => principal.allowlist === null,
  exceeds: (caller, grants) => excessIf(caller.allowlist !== null && !allowlistWithin(grants.ipAllowlist, caller.allowlist), 'ip_allowlist'),
  explain: (principal, facts) => ({
    network: facts.clientIp !== null ? 'checked' : principal.allowlist === null ? 'no_allowlist' : 'not_checked',
  }),
  skipInCheck: (facts) => facts.clientIp === null,
});
