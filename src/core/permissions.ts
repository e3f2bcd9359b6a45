/**
 * @module
 * Permission strings (`resource:action`, datafa.st style) with the wildcards `*`, `resource:*` and
 * `*:action`. The catalog is finite, so every set of strings compiles to a bitmask of concrete
 * permissions: checking a request is one AND, and "is this grant within that one" is a subset test
 * on masks.
 */

export const PERMISSION_CATALOG = {
  content: ['read', 'preview', 'create', 'update', 'delete', 'publish'],
  schema: ['read', 'write'],
  'api-keys': ['read', 'write'],
  roles: ['read', 'write'],
  users: ['read', 'write'],
  websites: ['read', 'write'],
  analytics: ['read'],
  audit: ['read'],
  site: ['read', 'write'],
  environments: ['read'],
} as const;

type Catalog = typeof PERMISSION_CATALOG;
export type PermissionResource = keyof Catalog;
export type Permission = {
  [R in PermissionResource]: `${R}:${Catalog[R][number]}`;
}[PermissionResource];

/** Every concrete permission, in a fixed order that defines its bit. */
export const ALL_PERMISSIONS: readonly Permission[] = Object.entries(PERMISSION_CATALOG).flatMap(([resource, actions]) =>
  actions.map((action) => `${resource}:${action}` as Permission),
);

const BIT = new Map<string, number>(ALL_PERMISSIONS.map((p, i) => [p, 2 ** i]));
export const FULL_MASK = 2 ** ALL_PERMISSIONS.length - 1;

export function permissionBit(permission: Permission): number {
  return BIT.get(permission) ?? 0;
}

/** The concrete permissions a grant string covers; empty when the string is not valid. */
export function expandGrant(grant: string): Permission[] {
  if (grant === '*') return [...ALL_PERMISSIONS];
  const parts = grant.split(':');
  if (parts.length !== 2) return [];
  const [resource, action] = parts as [string, string];
  return ALL_PERMISSIONS.filter((p) => {
    const [r, a] = p.split(':') as [string, string];
    return (resource === '*' || resource === r) && (action === '*' || action === a);
  });
}

/** Strings that are not in the catalog (after wildcard expansion), for a clear INVALID_FIELD. */
export function unknownGrants(grants: readonly string[]): string[] {
  return grants.filter((g) => expandGrant(g).length === 0);
}

export function grantMask(grants: readonly string[]): number {
  let mask = 0;
  for (const grant of grants) for (const p of expandGrant(grant)) mask |= permissionBit(p);
  return mask;
}

export function maskCovers(mask: number, permission: Permission): boolean {
  return (mask & permissionBit(permission)) !== 0;
}

/** True when every permission in `inner` is also in `outer`. */
export function maskWithin(inner: number, outer: number): boolean {
  return (inner & ~outer & FULL_MASK) === 0;
}

/** Concrete permissions of a mask, for `/users/me` and for naming an excess in an error. */
export function maskToPermissions(mask: number): Permission[] {
  return ALL_PERMISSIONS.filter((p) => (mask & permissionBit(p)) !== 0);
}
