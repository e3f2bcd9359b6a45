/**
 * Builders for roles, tokens and principals, so table-driven core tests state only what a case
 * is about. Defaults are the widest grant of each layer; a case narrows one layer at a time.
 */
import type { AccessToken, Principal, User } from '../../src/core/model.ts';
import { adminRoleAttributes, defaultRoleAttributes, finalPermissions, type ItemTypePermission, type Role, type RoleAttributes } from '../../src/core/roles.ts';
import { compilePrincipal } from '../../src/core/principal.ts';

export function roleAttributes(overrides: Partial<RoleAttributes> = {}): RoleAttributes {
  return { ...defaultRoleAttributes(), ...overrides };
}

export function role(id: string, overrides: Partial<RoleAttributes> = {}, inheritsFrom: string[] = []): Role {
  return { id, name: `role ${id}`, attributes: roleAttributes(overrides), inheritsFrom };
}

export const entry = (item_type: string | null, action: string, on_creator: ItemTypePermission['on_creator'] = 'anyone'): ItemTypePermission => ({
  item_type,
  action,
  on_creator,
});

export function accessToken(overrides: Partial<AccessToken> = {}): AccessToken {
  return {
    id: '1',
    name: 'test token',
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
    allowedOrigins: null,
    rateLimit: null,
    createdByTokenId: null,
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    rotatedAt: null,
    lastCmaAccessAt: null,
    lastCdaAccessAt: null,
    ...overrides,
  };
}

export function user(overrides: Partial<User> = {}): User {
  return {
    id: '5',
    email: 'editor@example.com',
    fullName: 'Editor',
    isActive: true,
    roleId: '1',
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    ...overrides,
  };
}

/** Compiles a principal the way the token cache does. `attributes: null` means no role at all. */
export function principal(token: Partial<AccessToken> = {}, options: { attributes?: RoleAttributes | null; user?: User | null } = {}): Principal {
  const t = accessToken(token);
  const attributes = options.attributes === undefined ? adminRoleAttributes() : options.attributes;
  const r = attributes === null ? null : role(t.roleId ?? '1', attributes);
  const compiled = compilePrincipal(t, options.user ?? null, () => undefined);
  // The role is given directly (whatever the token's or user's role id says), as a case states it.
  return { ...compiled, role: r, final: r ? finalPermissions(r, () => undefined) : null };
}
