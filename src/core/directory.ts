/**
 * @module
 * Roles, users and project settings: the people-and-policy side of the project.
 */
import { ApiProblem, notFound } from './errors.ts';
import { isValidTimeZone } from './last-access.ts';
import type { Site, User } from './model.ts';
import type { Clock, NewRole, NewUser, Store } from './ports.ts';
import type { Role } from './roles.ts';

export function createDirectoryService(deps: { store: Store; clock: Clock }) {
  const { store, clock } = deps;
  const iso = () => new Date(clock.now()).toISOString();

  async function loadRole(id: string): Promise<Role> {
    const role = await store.findRole(id);
    if (!role) throw notFound('role', id);
    return role;
  }
  async function loadUser(id: string): Promise<User> {
    const user = await store.findUser(id);
    if (!user) throw notFound('user', id);
    return user;
  }
  async function checkParents(role: NewRole, selfId?: string): Promise<void> {
    for (const parentId of role.inheritsFrom) {
      if (parentId === selfId || !(await store.findRole(parentId))) {
        throw new ApiProblem('INVALID_RELATIONSHIP', {
          field: 'inherits_permissions_from',
          message: parentId === selfId ? 'A role cannot inherit from itself' : `No role with id ${parentId}`,
        });
      }
    }
  }
  async function uniqueRoleName(name: string, selfId?: string): Promise<void> {
    const clash = (await store.listRoles()).find((r) => r.name === name && r.id !== selfId);
    if (clash) throw new ApiProblem('INVALID_FIELD', { field: 'name', code: 'VALIDATION_UNIQUENESS', message: `A role named ${JSON.stringify(name)} exists` });
  }
  async function checkUser(user: NewUser, selfId?: string): Promise<void> {
    if (!(await store.findRole(user.roleId))) {
      throw new ApiProblem('INVALID_RELATIONSHIP', { field: 'role', message: `No role with id ${user.roleId}` });
    }
    const clash = await store.findUserByEmail(user.email);
    if (clash && clash.id !== selfId) {
      throw new ApiProblem('INVALID_FIELD', { field: 'email', code: 'VALIDATION_UNIQUENESS', message: 'A user with this email exists' });
    }
  }

  return {
    listRoles: () => store.listRoles(),
    findRole: loadRole,
    async createRole(role: NewRole): Promise<Role> {
      await checkParents(role);
      await uniqueRoleName(role.name);
      return store.createRole(role, iso());
    },
    async updateRole(id: string, change: (current: Role) => NewRole): Promise<Role> {
      const next = change(await loadRole(id));
      await checkParents(next, id);
      await uniqueRoleName(next.name, id);
      const updated = await store.updateRole(id, next, iso());
      if (!updated) throw notFound('role', id);
      return updated;
    },
    async duplicateRole(id: string): Promise<Role> {
      const source = await loadRole(id);
      const names = new Set((await store.listRoles()).map((r) => r.name));
      let n = 1;
      // A concurrent duplicate may take the free name first (the store then refuses it): take the next.
      for (let attempt = 0; ; attempt++) {
        while (names.has(`${source.name} (duplicate #${n})`)) n++;
        const name = `${source.name} (duplicate #${n})`;
        try {
          return await store.createRole({ name, attributes: source.attributes, inheritsFrom: source.inheritsFrom }, iso());
        } catch (error) {
          if (!(error instanceof ApiProblem && error.details.field === 'name') || attempt >= 100) throw error;
          names.add(name);
        }
      }
    },
    async destroyRole(id: string): Promise<Role> {
      const role = await loadRole(id);
      const usage = await store.roleUsage(id);
      if (usage.tokens + usage.users + usage.inheritingRoles > 0) {
        throw new ApiProblem('DELETE_RESTRICTION', {
          message: 'The role is still in use',
          access_tokens: usage.tokens,
          users: usage.users,
          inheriting_roles: usage.inheritingRoles,
        });
      }
      await store.deleteRole(id);
      return role;
    },

    listUsers: () => store.listUsers(),
    findUser: loadUser,
    async createUser(user: NewUser): Promise<User> {
      await checkUser(user);
      return store.createUser(user, iso());
    },
    async updateUser(id: string, change: (current: User) => NewUser): Promise<User> {
      const next = change(await loadUser(id));
      await checkUser(next, id);
      const updated = await store.updateUser(id, next, iso());
      if (!updated) throw notFound('user', id);
      return updated;
    },
    async destroyUser(id: string): Promise<User> {
      const user = await loadUser(id);
      const tokens = await store.countTokensOfUser(id);
      if (tokens > 0) {
        throw new ApiProblem('DELETE_RESTRICTION', { message: 'Access tokens are based on this user', access_tokens: tokens });
      }
      await store.deleteUser(id);
      return user;
    },

    async getSite(): Promise<Site> {
      const site = await store.getSite();
      if (!site) throw new ApiProblem('NOT_FOUND', { message: 'The project is not initialised' });
      return site;
    },
    async updateSite(change: Partial<Pick<Site, 'name' | 'timeZone'>>): Promise<Site> {
      const current = await store.getSite();
      if (!current) throw new ApiProblem('NOT_FOUND', { message: 'The project is not initialised' });
      const next = { name: change.name ?? current.name, timeZone: change.timeZone ?? current.timeZone };
      if (!isValidTimeZone(next.timeZone)) {
        throw new ApiProblem('INVALID_FIELD', { field: 'timezone', message: `Unknown time zone ${JSON.stringify(next.timeZone)}` });
      }
      return store.updateSite(next, iso());
    },
  };
}

export type DirectoryService = ReturnType<typeof createDirectoryService>;
