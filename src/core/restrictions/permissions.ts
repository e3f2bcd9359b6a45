/**
 * @module
 * Permission strings: the endpoint's permission (`content:preview` for drafts on the CDA) must be
 * covered by the token's strings (403, layer `permissions`), compiled once into a bit mask. A
 * created token's strings must be covered by its creator's.
 */
import { ApiProblem } from '../errors.ts';
import { grantMask, maskCovers, maskToPermissions, maskWithin, unknownGrants } from '../permissions.ts';
import { forbidden, restriction, type Restriction } from './restriction.ts';

export const permissions: Restriction<'permissions', { readonly permissionMask: number }> = restriction({
  name: 'permissions',
  layer: 'permissions',
  stage: 'grant',
  validate(grants) {
    if (!grants.permissions) return;
    const unknown = unknownGrants(grants.permissions);
    if (unknown.length > 0) {
      throw new ApiProblem('INVALID_FIELD', {
        field: 'permissions',
        code: 'VALIDATION_INCLUSION',
        message: `Unknown permission strings: ${unknown.join(', ')}`,
        unknown,
      });
    }
  },
  compile: (token) => ({ permissionMask: grantMask(token.permissions) }),
  admit(principal, { rule, includeDrafts }) {
    const permission = rule.surface === 'cda' && includeDrafts ? 'content:preview' : rule.permission;
    return permission !== null && !maskCovers(principal.permissionMask, permission) ? forbidden('permissions', 'missing_permission', { permission }) : null;
  },
  exceeds(caller, grants) {
    const requested = grantMask(grants.permissions);
    if (maskWithin(requested, caller.permissionMask)) return [];
    return maskToPermissions(requested & ~caller.permissionMask).map((p) => `permissions:${p}`);
  },
});
