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
import { finalPermissions, type Role, type RoleAttributes } from './roles.ts';
import type { TokenGrants } from './tokens.ts';
import { loadDirectoryFor } from './role-closure.ts';
import { effectiveRoleId } from './principal.ts';
import { RESTRICTIONS } from './restrictions/index.ts';
import type { EscalationContext } from './restrictions/restriction.ts';

export { roleExcess } from './restrictions/role.ts';

/** Everything needed to resolve a token's effective role without I/O: roles and users by id. */
export interface Directory {
  readonly roles: ReadonlyMap<string, Role>;
  readonly users: ReadonlyMap<string, { readonly roleId: string }>;
}

/** The final permissions a token with these grants would have right now (its role, or its base user's). */
export function effectiveRole(directory: Directory, grants: Pick<TokenGrants, 'roleId' | 'userId'>): RoleAttributes | null {
  const roleId = effectiveRoleId(grants, (userId) => directory.users.get(userId)?.roleId);
  const role = roleId ? directory.roles.get(roleId) : undefined;
  return role ? finalPermissions(role, (id) => directory.roles.get(id)) : null;
}

/**
 * Every right a token with `grants` (and effective role `childRole`) would hold that `caller` does
 * not, named for the error message; empty when the grants are within the caller's. Each
 * restriction judges its own part.
 */
export function grantExcess(
  caller: Principal,
  grants: TokenGrants,
  childRole: RoleAttributes | null,
  rootPath?: (itemId: string) => readonly string[] | null,
): string[] {
  const context: EscalationContext = { childRole, rootPath };
  const excess: string[] = [];
  for (const restriction of RESTRICTIONS) if (restriction.exceeds) excess.push(...restriction.exceeds(caller, grants, context));
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
