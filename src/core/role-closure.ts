/**
 * @module
 * Reading only the part of the directory a decision needs. A role's final permissions depend on
 * the roles it inherits from, so a page of tokens or roles needs those roles and their ancestors,
 * never the whole table: a project with many roles and users pays per page, not per project.
 */
import type { RoleStore, UserStore } from './ports.ts';
import type { Role } from './roles.ts';
import type { Directory } from './escalation.ts';
import type { TokenGrants } from './model.ts';

/**
 * The roles `ids` name and every role they inherit from, read one inheritance level per query.
 * `known` roles are not read again. Ids of roles that no longer exist are skipped, as
 * `finalPermissions` skips them.
 */
export async function loadRolesWithAncestors(
  store: Pick<RoleStore, 'findRoles'>,
  ids: readonly string[],
  known: ReadonlyMap<string, Role> = new Map(),
): Promise<Map<string, Role>> {
  const roles = new Map(known);
  const asked = new Set<string>();
  let missing = [...new Set(ids)].filter((id) => !roles.has(id));
  while (missing.length > 0) {
    for (const id of missing) asked.add(id);
    for (const role of await store.findRoles(missing)) roles.set(role.id, role);
    // A cycle or a dangling parent ends here: every id is asked for at most once.
    missing = [...new Set([...roles.values()].flatMap((r) => r.inheritsFrom))].filter((id) => !roles.has(id) && !asked.has(id));
  }
  return roles;
}

/** What resolving these tokens' effective roles needs: their base users, their roles and those roles' ancestors. */
export async function loadDirectoryFor(
  store: Pick<RoleStore, 'findRoles'> & Pick<UserStore, 'findUsers'>,
  grants: readonly Pick<TokenGrants, 'roleId' | 'userId'>[],
): Promise<Directory> {
  const userIds = grants.flatMap((g) => (g.userId === null ? [] : [g.userId]));
  const users = userIds.length === 0 ? [] : await store.findUsers([...new Set(userIds)]);
  const roleIds = [...grants.flatMap((g) => (g.roleId === null ? [] : [g.roleId])), ...users.map((u) => u.roleId)];
  return { roles: await loadRolesWithAncestors(store, roleIds), users: new Map(users.map((u) => [u.id, u])) };
}
