/** A compiled principal built in memory, for tests of the pure decision functions. */
import type { AccessToken, Principal } from '../../src/core/model.ts';
import { adminRoleAttributes } from '../../src/core/roles.ts';
import { grantMask } from '../../src/core/permissions.ts';
import { compileAllowlist } from '../../src/core/ip.ts';

export function principal(token: Partial<AccessToken> = {}): Principal {
  const full: AccessToken = {
    id: '1',
    name: 'token',
    secretHash: 'hash',
    sealedSecret: null,
    displayKey: 'lk_abc…wxyz',
    hardcodedType: null,
    canAccessCda: true,
    canAccessCdaPreview: true,
    canAccessCma: true,
    roleId: '1',
    userId: null,
    permissions: ['*'],
    rootNodeIds: [],
    enabled: true,
    expiresAt: null,
    ipAllowlist: null,
    rateLimit: null,
    createdByTokenId: null,
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    rotatedAt: null,
    lastCmaAccessAt: null,
    lastCdaAccessAt: null,
    ...token,
  };
  const role = { id: full.roleId ?? '1', name: 'Admin', attributes: adminRoleAttributes(), inheritsFrom: [] };
  return {
    token: full,
    user: null,
    role,
    final: role.attributes,
    permissionMask: grantMask(full.permissions),
    expiresAtMs: full.expiresAt ? Date.parse(full.expiresAt) : null,
    allowlist: full.ipAllowlist ? compileAllowlist(full.ipAllowlist) : null,
  };
}
