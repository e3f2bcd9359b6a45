/**
 * @module
 * No escalation (datafa.st, Vault, Kubernetes RBAC): a token that creates or updates a token can
 * only hand out what it holds itself. Checked on the complete resulting state on every create and
 * every update, never on the changed fields alone, so no sequence of small edits climbs.
 */
import { ApiProblem } from './errors.ts';
import type { Principal } from './model.ts';
import type { RoleStore, UserStore } from './ports.ts';
import type { ContentStore } from './content/ports.ts';
import { inScope } from './access.ts';
import { grantMask, maskToPermissions, maskWithin } from './permissions.ts';
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

export async function effectiveRoleOf(
  store: RoleStore & UserStore,
  grants: Pick<TokenGrants, 'roleId' | 'userId'>,
): Promise<RoleAttributes | null> {
  const roleId = grants.roleId ?? (grants.userId ? (await store.findUser(grants.userId))?.roleId : null);
  if (!roleId) return null;
  const roles = new Map<string, Role>((await store.listRoles()).map((r) => [r.id, r]));
  const role = roles.get(roleId);
  return role ? finalPermissions(role, (id) => roles.get(id)) : null;
}

/** Throws INSUFFICIENT_PERMISSIONS naming every excess when `grants` exceed what `caller` holds. */
export async function assertWithinCaller(
  store: RoleStore & UserStore & Pick<ContentStore, 'findItem'>,
  caller: Principal,
  grants: TokenGrants,
): Promise<void> {
  const excess: string[] = [];
  const requested = grantMask(grants.permissions);
  if (!maskWithin(requested, caller.permissionMask)) {
    excess.push(...maskToPermissions(requested & ~caller.permissionMask).map((p) => `permissions:${p}`));
  }
  const { token } = caller;
  if (grants.canAccessCma && !token.canAccessCma) excess.push('surface:can_access_cma');
  if (grants.canAccessCda && !token.canAccessCda) excess.push('surface:can_access_cda');
  if (grants.canAccessCdaPreview && !token.canAccessCdaPreview) excess.push('surface:can_access_cda_preview');

  const childRole = await effectiveRoleOf(store, grants);
  if (childRole && caller.final) excess.push(...roleExcess(childRole, caller.final));

  if (caller.expiresAtMs !== null) {
    const childExpiry = grants.expiresAt === null ? Infinity : Date.parse(grants.expiresAt);
    if (childExpiry > caller.expiresAtMs) excess.push('expires_at');
  }
  if (token.rootNodeIds.length > 0) {
    // Each of the child's roots must lie inside one of the caller's subtrees (a descendant of a
    // caller root is fine); no roots at all would mean the whole project.
    const outside = grants.rootNodeIds.length === 0 ? [true] : await Promise.all(
      grants.rootNodeIds.map(async (id) => {
        const item = await store.findItem(id);
        return !item || !inScope(caller, item.pathIds);
      }),
    );
    if (outside.some(Boolean)) excess.push('root_nodes');
  }
  if (excess.length > 0) {
    throw new ApiProblem('INSUFFICIENT_PERMISSIONS', {
      layer: 'escalation',
      reason: 'exceeds_caller',
      excess,
      message: `The token would hold rights its creator lacks: ${excess.join(', ')}`,
    });
  }
}
