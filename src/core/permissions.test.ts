import { describe, expect, it } from 'vitest';
import {
  ALL_PERMISSIONS,
  FULL_MASK,
  expandGrant,
  grantMask,
  maskCovers,
  maskToPermissions,
  maskWithin,
  unknownGrants,
  type Permission,
} from './permissions.ts';

describe('expandGrant', () => {
  const cases: Array<[string, Permission[] | 'all']> = [
    ['*', 'all'],
    ['*:*', 'all'],
    ['content:*', ['content:read', 'content:preview', 'content:create', 'content:update', 'content:delete', 'content:publish']],
    [
      '*:read',
      [
        'content:read',
        'schema:read',
        'api-keys:read',
        'roles:read',
        'users:read',
        'websites:read',
        'analytics:read',
        'audit:read',
        'site:read',
        'environments:read',
      ],
    ],
    ['*:write', ['schema:write', 'api-keys:write', 'roles:write', 'users:write', 'websites:write', 'site:write']],
    ['api-keys:write', ['api-keys:write']],
    ['analytics:read', ['analytics:read']],
    ['audit:*', ['audit:read']],
  ];
  it.each(cases)('%s', (grant, expected) => {
    expect(expandGrant(grant)).toEqual(expected === 'all' ? ALL_PERMISSIONS : expected);
  });

  const unknown = [
    '',
    'content',
    'content:',
    ':read',
    'content:write',
    'analytics:write',
    'posts:read',
    'content:read:extra',
    'Content:read',
    ' content:read',
    'content:read ',
    '**',
    '*:',
    'api_keys:read',
  ];
  it.each(unknown)('rejects %j', (grant) => {
    expect(expandGrant(grant)).toEqual([]);
  });

  it('unknownGrants lists exactly the invalid strings, in order', () => {
    expect(unknownGrants(['content:read', 'nope', '*', 'roles:delete'])).toEqual(['nope', 'roles:delete']);
    expect(unknownGrants(['*'])).toEqual([]);
  });
});

describe('masks', () => {
  it('fit in 31 bits, so bitwise operators stay exact', () => {
    expect(ALL_PERMISSIONS.length).toBeLessThanOrEqual(31);
    expect(new Set(ALL_PERMISSIONS).size).toBe(ALL_PERMISSIONS.length);
    expect(grantMask(['*'])).toBe(FULL_MASK);
  });

  it('grantMask is the union of the expanded grants; unknown strings add nothing', () => {
    expect(maskToPermissions(grantMask(['content:read', 'site:*', 'bogus']))).toEqual(['content:read', 'site:read', 'site:write']);
    expect(grantMask([])).toBe(0);
    expect(grantMask(['bogus'])).toBe(0);
  });

  it('maskCovers checks one permission', () => {
    const mask = grantMask(['*:read']);
    expect(maskCovers(mask, 'roles:read')).toBe(true);
    expect(maskCovers(mask, 'roles:write')).toBe(false);
  });

  const within: Array<[string[], string[], boolean]> = [
    [['content:read'], ['content:*'], true],
    [['content:*'], ['content:read'], false],
    [['*:read'], ['*'], true],
    [['*'], ['*:read'], false],
    [[], [], true],
    [[], ['content:read'], true],
    [['content:read'], [], false],
    [['content:read', 'roles:read'], ['*:read'], true],
    [['content:read', 'roles:write'], ['*:read'], false],
    [['*:*'], ['*'], true],
  ];
  it.each(within)('maskWithin(%j, %j) = %s', (inner, outer, expected) => {
    expect(maskWithin(grantMask(inner), grantMask(outer))).toBe(expected);
  });

  it('maskToPermissions inverts grantMask over concrete permissions', () => {
    for (const p of ALL_PERMISSIONS) expect(maskToPermissions(grantMask([p]))).toEqual([p]);
    expect(maskToPermissions(FULL_MASK)).toEqual(ALL_PERMISSIONS);
    expect(maskToPermissions(0)).toEqual([]);
  });

  it('names the excess of one mask over another', () => {
    const excess = grantMask(['content:*']) & ~grantMask(['content:read', 'content:preview']);
    expect(maskToPermissions(excess)).toEqual(['content:create', 'content:update', 'content:delete', 'content:publish']);
  });
});
