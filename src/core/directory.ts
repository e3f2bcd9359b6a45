/**
 * @module
 * Roles, users and project settings: the people-and-policy side of the project.
 */
import { ApiProblem, notFound } from './errors.ts';
import { isValidTimeZone } from './last-access.ts';
import type { Principal, Site, User } from './model.ts';
import type { Clock, NewRole, NewUser, Store } from './ports.ts';
import { finalPermissions, type Role } from './roles.ts';
import { escalationProblem, roleExcess, type EscalationSubject } from './escalation.ts';
import { loadRolesWithAncestors } from './role-closure.ts';
import { auditEvent, diff, type AuditAction, type RequestContext, type SubjectType } from './audit.ts';

/** Ids of the roles inheriting from `id`, directly or through others (a cycle ends the walk). */
function heirsOf(roles: ReadonlyMap<string, Role>, id: string): string[] {
  const heirs = new Set<string>();
  let frontier = [id];
  while (frontier.length > 0) {
    const parents = new Set(frontier);
    frontier = [];
    for (const role of roles.values()) {
      if (role.id !== id && !heirs.has(role.id) && role.inheritsFrom.some((p) => parents.has(p))) {
        heirs.add(role.id);
        frontier.push(role.id);
      }
    }
  }
  return [...heirs];
}

/** What the directory use cases need. */
export interface DirectoryDeps {
  readonly store: Store;
  readonly clock: Clock;
}

export function findRole(deps: DirectoryDeps, id: string): Promise<Role> {
  return loadRole(deps.store, id);
}

export function createRole(deps: DirectoryDeps, role: NewRole, context: RequestContext, caller: Principal | null = null): Promise<Role> {
  return audited(deps, context, 'role.create', 'role', async (tx) => {
    await checkParents(tx, role);
    await assertRoleWithinCaller(tx, caller, role);
    await uniqueRoleName(tx, role.name);
    const created = await tx.createRole(role, iso(deps));
    return { result: created, id: created.id, changes: roleSnapshot(created) };
  });
}
export function updateRole(
  deps: DirectoryDeps,
  id: string,
  change: (current: Role) => NewRole,
  context: RequestContext,
  caller: Principal | null = null,
): Promise<Role> {
  return audited(deps, context, 'role.update', 'role', async (tx) => {
    const current = await loadRole(tx, id);
    // Narrowing a role is power over every token and user on it: only a caller that holds
    // what the role grants now may change it (and, below, what it will grant).
    await assertRoleWithinCaller(tx, caller, current, id, 'target');
    const next = change(current);
    await checkParents(tx, next, id);
    await assertRoleWithinCaller(tx, caller, next, id);
    await assertHeirsWithinCaller(tx, caller, id, next);
    await uniqueRoleName(tx, next.name, id);
    const updated = await tx.updateRole(id, next, iso(deps));
    if (!updated) throw notFound('role', id);
    return { result: updated, id, changes: diff(roleSnapshot(current), roleSnapshot(updated)) };
  });
}
export async function duplicateRole(deps: DirectoryDeps, id: string, context: RequestContext, caller: Principal | null = null): Promise<Role> {
  // A concurrent duplicate may take the free name first (the store then refuses it): the whole
  // transaction is retried, and the next attempt sees that name as taken.
  for (let attempt = 0; ; attempt++) {
    try {
      return await audited(deps, context, 'role.duplicate', 'role', async (tx) => {
        const source = await loadRole(tx, id);
        await assertRoleWithinCaller(tx, caller, source);
        // One lookup per taken name: duplicates of one role are few, the roles table need not be read.
        let n = 1;
        while (await tx.findRoleByName(`${source.name} (duplicate #${n})`)) n++;
        const copy = await tx.createRole(
          { name: `${source.name} (duplicate #${n})`, attributes: source.attributes, inheritsFrom: source.inheritsFrom },
          iso(deps),
        );
        return { result: copy, id: copy.id, changes: { duplicated_from: source.id, ...roleSnapshot(copy) } };
      });
    } catch (error) {
      if (!(error instanceof ApiProblem && error.details.field === 'name') || attempt >= 100) throw error;
    }
  }
}
export function destroyRole(deps: DirectoryDeps, id: string, context: RequestContext, caller: Principal | null = null): Promise<Role> {
  return audited(deps, context, 'role.destroy', 'role', async (tx) => {
    const role = await loadRole(tx, id);
    await assertRoleWithinCaller(tx, caller, role, id, 'target');
    const usage = await tx.roleUsage(id);
    if (usage.tokens + usage.users + usage.inheritingRoles > 0) {
      throw new ApiProblem('DELETE_RESTRICTION', {
        message: 'The role is still in use',
        access_tokens: usage.tokens,
        users: usage.users,
        inheriting_roles: usage.inheritingRoles,
      });
    }
    await tx.deleteRole(id);
    return { result: role, id, changes: roleSnapshot(role) };
  });
}

export function findUser(deps: DirectoryDeps, id: string): Promise<User> {
  return loadUser(deps.store, id);
}

export function createUser(deps: DirectoryDeps, user: NewUser, context: RequestContext, caller: Principal | null = null): Promise<User> {
  return audited(deps, context, 'user.create', 'user', async (tx) => {
    await checkUser(tx, user);
    await assertUserRoleWithinCaller(tx, caller, user.roleId);
    const created = await tx.createUser(user, iso(deps));
    return { result: created, id: created.id, changes: userSnapshot(created) };
  });
}
export function updateUser(
  deps: DirectoryDeps,
  id: string,
  change: (current: User) => NewUser,
  context: RequestContext,
  caller: Principal | null = null,
): Promise<User> {
  return audited(deps, context, 'user.update', 'user', async (tx) => {
    const current = await loadUser(tx, id);
    // A weaker manager must not demote, deactivate or retarget a user whose role is stronger
    // than its own: the user's tokens follow that role live.
    await assertUserRoleWithinCaller(tx, caller, current.roleId, 'target');
    const next = change(current);
    await checkUser(tx, next, id);
    // Re-activating a user or moving it to another role hands that role to its tokens.
    if (next.roleId !== current.roleId || (next.isActive && !current.isActive)) await assertUserRoleWithinCaller(tx, caller, next.roleId);
    const updated = await tx.updateUser(id, next, iso(deps));
    if (!updated) throw notFound('user', id);
    return { result: updated, id, changes: diff(userSnapshot(current), userSnapshot(updated)) };
  });
}
export function destroyUser(deps: DirectoryDeps, id: string, context: RequestContext, caller: Principal | null = null): Promise<User> {
  return audited(deps, context, 'user.destroy', 'user', async (tx) => {
    const user = await loadUser(tx, id);
    await assertUserRoleWithinCaller(tx, caller, user.roleId, 'target');
    const tokens = await tx.countTokensOfUser(id);
    if (tokens > 0) {
      throw new ApiProblem('DELETE_RESTRICTION', { message: 'Access tokens are based on this user', access_tokens: tokens });
    }
    await tx.deleteUser(id);
    return { result: user, id, changes: userSnapshot(user) };
  });
}

export async function getSite(deps: DirectoryDeps): Promise<Site> {
  const site = await deps.store.getSite();
  if (!site) throw new ApiProblem('NOT_FOUND', { message: 'The project is not initialised' });
  return site;
}
export function updateSite(deps: DirectoryDeps, change: Partial<Pick<Site, 'name' | 'timeZone'>>, context: RequestContext): Promise<Site> {
  return audited(deps, context, 'site.update', 'site', async (tx) => {
    const current = await tx.getSite();
    if (!current) throw new ApiProblem('NOT_FOUND', { message: 'The project is not initialised' });
    const next = { name: change.name ?? current.name, timeZone: change.timeZone ?? current.timeZone };
    if (!isValidTimeZone(next.timeZone)) {
      throw new ApiProblem('INVALID_FIELD', { field: 'timezone', message: `Unknown time zone ${JSON.stringify(next.timeZone)}` });
    }
    const updated = await tx.updateSite(next, iso(deps));
    const snapshot = (site: Site) => ({ name: site.name, timezone: site.timeZone });
    return { result: updated, id: null, changes: diff(snapshot(current), snapshot(updated)) };
  });
}

const iso = (deps: DirectoryDeps): string => new Date(deps.clock.now()).toISOString();

/** Each change runs in one transaction with its audit entry: both commit or neither does. */
const audited = <T>(
  deps: DirectoryDeps,
  context: RequestContext,
  action: AuditAction,
  subjectType: SubjectType,
  work: (tx: Store) => Promise<{ result: T; id: string | null; changes: Record<string, unknown> }>,
): Promise<T> =>
  deps.store.transaction(async (tx) => {
    const { result, id, changes } = await work(tx);
    await tx.recordAuditEvent(auditEvent(context, iso(deps), action, { type: subjectType, id }, changes));
    return result;
  });

async function loadRole(s: Store, id: string): Promise<Role> {
  const role = await s.findRole(id);
  if (!role) throw notFound('role', id);
  return role;
}
async function loadUser(s: Store, id: string): Promise<User> {
  const user = await s.findUser(id);
  if (!user) throw notFound('user', id);
  return user;
}
async function checkParents(s: Store, role: NewRole, selfId?: string): Promise<void> {
  for (const parentId of role.inheritsFrom) {
    if (parentId === selfId || !(await s.findRole(parentId))) {
      throw new ApiProblem('INVALID_RELATIONSHIP', {
        field: 'inherits_permissions_from',
        message: parentId === selfId ? 'A role cannot inherit from itself' : `No role with id ${parentId}`,
      });
    }
  }
}
async function uniqueRoleName(s: Store, name: string, selfId?: string): Promise<void> {
  const clash = await s.findRoleByName(name);
  if (clash && clash.id !== selfId)
    throw new ApiProblem('INVALID_FIELD', { field: 'name', code: 'VALIDATION_UNIQUENESS', message: `A role named ${JSON.stringify(name)} exists` });
}
/**
 * No escalation through roles: a caller may write (or assign) only a role whose final permissions
 * it holds itself. Otherwise a token that may manage users could widen its own role, or move its
 * base user to a stronger one, and hold the result on its next request. `null`: the operator
 * (CLI, first start), who is not a token.
 */
async function assertRoleWithinCaller(s: Store, caller: Principal | null, role: NewRole, selfId?: string, subject: EscalationSubject = 'grant'): Promise<void> {
  if (!caller) return;
  // Only the candidate's ancestors decide its final permissions.
  const roles = await loadRolesWithAncestors(s, role.inheritsFrom);
  const candidate: Role = { id: selfId ?? '\u0000new', ...role };
  roles.set(candidate.id, candidate);
  const excess = caller.final
    ? roleExcess(
        finalPermissions(candidate, (id) => roles.get(id)),
        caller.final,
      )
    : ['role'];
  if (excess.length > 0) throw escalationProblem(excess, subject);
}
/**
 * A role's heirs (the roles inheriting from it, at any distance) change with it: a caller that
 * holds what role Base grants, but not Lead = Base + more, must not reshape Lead by editing Base.
 * So the caller must hold each heir's final permissions as they are now (`target`) and as they
 * will be once `next` replaces the role (`grant`). Reads every role: role edits are rare, and
 * inheritance is stored per heir, so only a full read finds them.
 */
async function assertHeirsWithinCaller(s: Store, caller: Principal | null, id: string, next: NewRole): Promise<void> {
  if (!caller) return;
  const now = new Map((await s.listRoles()).map((r) => [r.id, r]));
  const heirs = heirsOf(now, id);
  if (heirs.length === 0) return;
  const after = new Map(now);
  after.set(id, { id, ...next });
  for (const [roles, subject] of [
    [now, 'target'],
    [after, 'grant'],
  ] as const) {
    for (const heir of heirs) {
      const role = roles.get(heir);
      if (!role) continue;
      const excess = caller.final
        ? roleExcess(
            finalPermissions(role, (other) => roles.get(other)),
            caller.final,
          )
        : ['role'];
      if (excess.length > 0) throw escalationProblem(excess, subject);
    }
  }
}
async function assertUserRoleWithinCaller(s: Store, caller: Principal | null, roleId: string, subject: EscalationSubject = 'grant'): Promise<void> {
  const role = await s.findRole(roleId);
  if (role) await assertRoleWithinCaller(s, caller, role, role.id, subject);
}
async function checkUser(s: Store, user: NewUser, selfId?: string): Promise<void> {
  if (!(await s.findRole(user.roleId))) {
    throw new ApiProblem('INVALID_RELATIONSHIP', { field: 'role', message: `No role with id ${user.roleId}` });
  }
  const clash = await s.findUserByEmail(user.email);
  if (clash && clash.id !== selfId) {
    throw new ApiProblem('INVALID_FIELD', { field: 'email', code: 'VALIDATION_UNIQUENESS', message: 'A user with this email exists' });
  }
}

const roleSnapshot = (role: Role): Record<string, unknown> => ({ name: role.name, ...role.attributes, inherits_permissions_from: role.inheritsFrom });
const userSnapshot = (user: User): Record<string, unknown> => ({ email: user.email, full_name: user.fullName, is_active: user.isActive, role_id: user.roleId });
