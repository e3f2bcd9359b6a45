import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  ALL_PERMISSIONS,
  PERMISSION_CATALOG,
  expandGrant,
  grantMask,
  maskCovers,
  maskWithin,
  unknownGrants,
  type Permission,
} from '../../src/core/permissions.ts';

describe('permission strings', () => {
  it.each([
    ['*', ALL_PERMISSIONS.length],
    ['*:*', ALL_PERMISSIONS.length],
    ['content:*', 6],
    ['*:read', 10],
    ['*:write', 6],
    ['*:preview', 1],
    ['api-keys:write', 1],
  ])('%s covers %i permissions', (grant, count) => {
    expect(expandGrant(grant)).toHaveLength(count);
  });

  it('expands the wildcards to exactly the matching catalog entries', () => {
    expect(expandGrant('content:*')).toEqual(PERMISSION_CATALOG.content.map((a) => `content:${a}`));
    expect(expandGrant('*:read')).toEqual(ALL_PERMISSIONS.filter((p) => p.endsWith(':read')));
  });

  it.each(['', 'content', 'content:', ':read', '*:', 'content:fly', 'blog:*', 'content:read:x', 'Content:read', ' content:read', '**'])(
    'rejects %j',
    (grant) => {
      expect(unknownGrants([grant])).toEqual([grant]);
    },
  );

  it('covers a permission exactly when some string names it, directly or by wildcard', () => {
    const grant = fc.constantFrom('*', ...Object.keys(PERMISSION_CATALOG).map((r) => `${r}:*`), '*:read', '*:write', ...ALL_PERMISSIONS);
    fc.assert(
      fc.property(fc.array(grant, { maxLength: 5 }), fc.constantFrom(...ALL_PERMISSIONS), (grants, permission: Permission) => {
        const [resource, action] = permission.split(':');
        const named = grants.some((g) => g === '*' || g === permission || g === `${resource}:*` || g === `*:${action}`);
        expect(maskCovers(grantMask(grants), permission)).toBe(named);
      }),
    );
  });

  it('orders grants by inclusion: a subset of strings never covers more', () => {
    const grant = fc.constantFrom('*', 'content:*', '*:read', 'roles:write', 'site:read', 'content:publish');
    fc.assert(
      fc.property(fc.uniqueArray(grant), fc.uniqueArray(grant), (a, b) => {
        expect(maskWithin(grantMask(a), grantMask([...a, ...b]))).toBe(true);
      }),
    );
  });
});
