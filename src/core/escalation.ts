/**
 * @module
 * No escalation (datafa.st, Vault, Kubernetes RBAC): a token that creates or updates a token can
 * only hand out what it holds itself. Checked on the complete resulting state on every create and
 * every update, never on the changed fields alone, so no sequence of small edits climbs. The same
 * rule guards handing out an existing secret (rotate, reading `token`): whoever receives a secret
 * must already hold everything it grants.
 */
import { ApiProblem } from './errors.ts';
import type { Principal } from './model.ts';
import type { RoleStore, UserStore } from './ports.ts';
import type { ContentStore } from './content/ports.ts';
import { inScope } from './access.ts';
import { grantMask, maskToPermissions, maskWithin } from './permissions.ts';
import { allowlistWithin } from './ip.ts';
import {
  CONTENT_ACTIONS,
  OTHER_CONTENT_ACTIONS,
  ROLE_FLAGS,
  allowsContent,
  finalPermissions,
  type ContentAction,
  type Role,
  type RoleAttributes,
} from './roles.ts';
import type { TokenGrants } from './tokens.ts';
import { loadDirectoryFor } from './role-closure.ts';

/** Stand-in for every model no entry names: entries only ever match a model by id or by null. */
const ANY_OTHER_MODEL = '\u0000other';
const ACTIONS = [...CONTENT_ACTIONS.filter((a) => a !== 'all'), ...OTHER_CONTENT_ACTIONS] as ContentAction[];
const CREATOR_CASES = [
  { createdBySelf: true, createdBySameRole: true },
  { createdBySelf: false, createdBySameRole: true },
  { createdBySelf: false, createdBySameRole: false },
];

/**
 * What `child` allows that `parent` does not. Exact, not sampled: a permission entry can only tell
 * models apart by naming them, so the named models plus one stand-in cover every case.
 */
export function roleExcess(child: RoleAttributes, parent: RoleAttributes): string[] {
  const excess = ROLE_FLAGS.filter((f) => child[f] && !parent[f]).map((f) => `role:${f}`);
  const models = new Set<string>([ANY_OTHER_MODEL]);
  for (const list of [child, parent]) {
    for (const entry of [...list.positive_item_type_permissions, ...list.negative_item_type_permissions]) {
      if (typeof entry.item_type === 'string') models.add(entry.item_type);
    }
  }
  for (const itemTypeId of models) {
    for (const action of ACTIONS) {
      const leaks = CREATOR_CASES.some((c) => {
        const target = { itemTypeId, ...c };
        return allowsContent(child, action, target) && !allowsContent(parent, action, target);
      });
      if (leaks) excess.push(`content:${action}@${itemTypeId === ANY_OTHER_MODEL ? '*' : itemTypeId}`);
    }
  }
  return excess;
}

/** Everything needed to resolve a token's effective role without I/O: roles and users by id. */
export interface Directory {
  readonly roles: ReadonlyMap<string, Role>;
  readonly users: ReadonlyMap<string, { readonly roleId: string }>;
}

/** The final permissions a token with these grants would have right now (its role, or its base user's). */
export function effectiveRole(directory: Directory, grants: Pick<TokenGrants, 'roleId' | 'userId'>): RoleAttributes | null {
  const roleId = grants.roleId ?? (grants.userId ? directory.users.get(grants.userId)?.roleId : null);
  const role = roleId ? directory.roles.get(roleId) : undefined;
  return role ? finalPermissions(role, (id) => directory.roles.get(id)) : null;
}

/**
 * Every right a token with `grants` (and effective role `childRole`) would hold that `caller` does
 * not, named for the error message; empty when the grants are within the caller's.
 */
export function grantExcess(
  caller: Principal,
  grants: TokenGrants,
  childRole: RoleAttributes | null,
  rootPath?: (itemId: string) => readonly string[] | null,
): string[] {
  const excess: string[] = [];
  const requested = grantMask(grants.permissions);
  if (!maskWithin(requested, caller.permissionMask)) {
    excess.push(...maskToPermissions(requested & ~caller.permissionMask).map((p) => `permissions:${p}`));
  }
  const { token } = caller;
  if (grants.canAccessCma && !token.canAccessCma) excess.push('surface:can_access_cma');
  if (grants.canAccessCda && !token.canAccessCda) excess.push('surface:can_access_cda');
  if (grants.canAccessCdaPreview && !token.canAccessCdaPreview) excess.push('surface:can_access_cda_preview');

  if (childRole) excess.push(...(caller.final ? roleExcess(childRole, caller.final) : ['role']));
  // A token based on a user loses its rights when the user is demoted or deactivated; anything it
  // creates must stay tied to the same user, or it would outlive that demotion.
  if (token.userId !== null && grants.userId !== token.userId) excess.push('user');

  if (caller.expiresAtMs !== null) {
    const childExpiry = grants.expiresAt === null ? Infinity : Date.parse(grants.expiresAt);
    if (!(childExpiry <= caller.expiresAtMs)) excess.push('expires_at');
  }
  if (token.rootNodeIds.length > 0) {
    // Each of the child's roots must lie inside one of the caller's subtrees (a descendant of a
    // caller root is fine); no roots at all would mean the whole project. Without item paths at
    // hand, only the caller's own roots are known to be inside.
    const inside = (id: string): boolean => {
      const path = rootPath ? rootPath(id) : null;
      return path ? inScope(caller, path) : token.rootNodeIds.includes(id);
    };
    if (grants.rootNodeIds.length === 0 || !grants.rootNodeIds.every(inside)) excess.push('root_nodes');
  }
  // A token confined to some networks must not mint one that works from anywhere else.
  if (caller.allowlist !== null && !allowlistWithin(grants.ipAllowlist, caller.allowlist)) excess.push('ip_allowlist');
  return excess;
}

/** `grant`: the resulting token (or role) would exceed the caller; `target`: the existing one already does. */
export type EscalationSubject = 'grant' | 'target';

export function escalationProblem(excess: readonly string[], subject: EscalationSubject = 'grant'): ApiProblem {
  const message =
    subject === 'grant'
      ? `The result would hold rights the calling token lacks: ${excess.join(', ')}`
      : `The target already holds rights the calling token lacks, so the token may not act on it: ${excess.join(', ')}`;
  return new ApiProblem('INSUFFICIENT_PERMISSIONS', { layer: 'escalation', reason: 'exceeds_caller', excess, message });
}

/**
 * Throws INSUFFICIENT_PERMISSIONS naming every excess when `grants` exceed what `caller` holds:
 * the grants a write would produce (`grant`), or those of an existing token the caller wants to
 * update, rotate, disable, delete or read the secret of (`target`).
 */
export async function assertWithinCaller(
  store: RoleStore & UserStore & Pick<ContentStore, 'findItem'>,
  caller: Principal,
  grants: TokenGrants,
  subject: EscalationSubject = 'grant',
): Promise<void> {
  const paths = new Map<string, readonly string[] | null>();
  for (const id of grants.rootNodeIds) paths.set(id, (await store.findItem(id))?.pathIds ?? null);
  const excess = grantExcess(caller, grants, effectiveRole(await loadDirectoryFor(store, [grants]), grants), (id) => paths.get(id) ?? null);
  if (excess.length > 0) throw escalationProblem(excess, subject);
}
