/**
 * @module
 * Role, user and site queries.
 */
import { sql } from 'kysely';
import type { NewRole, NewUser, RoleStore, SiteStore, UserStore } from '../core/ports.ts';
import { bool, json, rowId, toRole, toSite, toUser } from './rows.ts';
import type { SqlContext } from './sql-context.ts';
import { unique } from './constraints.ts';
import { afterKey, countAll, countOf, rowKeys } from './paging.ts';

const roleColumns = (role: NewRole) => ({
  name: role.name,
  attributes: json(role.attributes),
  inherits_from: json(role.inheritsFrom.map(Number)),
});

export function directoryQueries(ctx: SqlContext): RoleStore & UserStore & SiteStore {
  const { db } = ctx;
  const roleById = async (id: number) => {
    const row = await db.selectFrom('roles').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toRole(row) : null;
  };
  const userById = async (id: number) => {
    const row = await db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toUser(row) : null;
  };
  const readSite = async () => {
    const row = await db.selectFrom('site').selectAll().where('id', '=', 1).executeTakeFirst();
    return row ? toSite(row) : null;
  };
  /** A row we have just written; its absence means the database lost it under us. */
  const written = <T>(value: T | null, what: string): T => {
    if (value === null) throw new Error(`${what} vanished right after it was written`);
    return value;
  };
  const count = async (query: Promise<{ n: string | number | bigint } | undefined>) => Number((await query)?.n ?? 0);

  return {
    async listRoles() {
      return (await db.selectFrom('roles').selectAll().orderBy('id').execute()).map(toRole);
    },
    async pageRoles(page) {
      const rows = await db.selectFrom('roles').selectAll().where('id', '>', afterKey(page)).orderBy('id').limit(page.limit).offset(page.offset).execute();
      return rows.map(toRole);
    },
    async countRoles() {
      return countOf(await db.selectFrom('roles').select(countAll).executeTakeFirst());
    },
    async findRoles(ids) {
      const keys = rowKeys(ids);
      if (keys.length === 0) return [];
      return (await db.selectFrom('roles').selectAll().where('id', 'in', keys).orderBy('id').execute()).map(toRole);
    },
    async findRoleByName(name) {
      const row = await db.selectFrom('roles').selectAll().where('name', '=', name).executeTakeFirst();
      return row ? toRole(row) : null;
    },
    async findRole(id) {
      const key = rowId(id);
      return key === null ? null : roleById(key);
    },
    async createRole(role, now) {
      const { id } = await unique('name', `A role named ${JSON.stringify(role.name)} exists`, () =>
        db
          .insertInto('roles')
          .values({ ...roleColumns(role), created_at: now, updated_at: now })
          .returning('id')
          .executeTakeFirstOrThrow(),
      );
      await ctx.announce({ kind: 'roles' });
      return written(await roleById(id), 'role');
    },
    async updateRole(id, role, now) {
      const key = rowId(id);
      if (key === null) return null;
      const result = await unique('name', `A role named ${JSON.stringify(role.name)} exists`, () =>
        db
          .updateTable('roles')
          .set({ ...roleColumns(role), updated_at: now })
          .where('id', '=', key)
          .executeTakeFirst(),
      );
      if (Number(result.numUpdatedRows) === 0) return null;
      await ctx.announce({ kind: 'roles' });
      return roleById(key);
    },
    async roleUsage(id) {
      const key = rowId(id) ?? -1;
      const n = sql<number>`count(*)`.as('n');
      const tokens = await count(db.selectFrom('access_tokens').select(n).where('role_id', '=', key).executeTakeFirst());
      const users = await count(db.selectFrom('users').select(n).where('role_id', '=', key).executeTakeFirst());
      const roles = await db.selectFrom('roles').select('inherits_from').execute();
      const inheritingRoles = roles.filter((r) => (JSON.parse(r.inherits_from) as number[]).includes(key)).length;
      return { tokens, users, inheritingRoles };
    },
    async deleteRole(id) {
      const key = rowId(id);
      if (key === null) return false;
      const result = await db.deleteFrom('roles').where('id', '=', key).executeTakeFirst();
      await ctx.announce({ kind: 'roles' });
      return Number(result.numDeletedRows) > 0;
    },

    async listUsers() {
      return (await db.selectFrom('users').selectAll().orderBy('id').execute()).map(toUser);
    },
    async pageUsers(page) {
      const rows = await db.selectFrom('users').selectAll().where('id', '>', afterKey(page)).orderBy('id').limit(page.limit).offset(page.offset).execute();
      return rows.map(toUser);
    },
    async countUsers() {
      return countOf(await db.selectFrom('users').select(countAll).executeTakeFirst());
    },
    async findUsers(ids) {
      const keys = rowKeys(ids);
      if (keys.length === 0) return [];
      return (await db.selectFrom('users').selectAll().where('id', 'in', keys).orderBy('id').execute()).map(toUser);
    },
    async findUser(id) {
      const key = rowId(id);
      return key === null ? null : userById(key);
    },
    async findUserByEmail(email) {
      const row = await db.selectFrom('users').selectAll().where('email', '=', email).executeTakeFirst();
      return row ? toUser(row) : null;
    },
    async createUser(user: NewUser, now) {
      const { id } = await unique('email', 'A user with this email exists', () =>
        db
          .insertInto('users')
          .values({
            email: user.email,
            full_name: user.fullName,
            is_active: bool(user.isActive),
            role_id: Number(user.roleId),
            created_at: now,
            updated_at: now,
          })
          .returning('id')
          .executeTakeFirstOrThrow(),
      );
      await ctx.announce({ kind: 'user', id: String(id) });
      return written(await userById(id), 'user');
    },
    async updateUser(id, user, now) {
      const key = rowId(id);
      if (key === null) return null;
      const result = await unique('email', 'A user with this email exists', () =>
        db
          .updateTable('users')
          .set({ email: user.email, full_name: user.fullName, is_active: bool(user.isActive), role_id: Number(user.roleId), updated_at: now })
          .where('id', '=', key)
          .executeTakeFirst(),
      );
      if (Number(result.numUpdatedRows) === 0) return null;
      await ctx.announce({ kind: 'user', id });
      return userById(key);
    },
    async countTokensOfUser(id) {
      const key = rowId(id) ?? -1;
      return count(db.selectFrom('access_tokens').select(sql<number>`count(*)`.as('n')).where('user_id', '=', key).executeTakeFirst());
    },
    async deleteUser(id) {
      const key = rowId(id);
      if (key === null) return false;
      const result = await db.deleteFrom('users').where('id', '=', key).executeTakeFirst();
      await ctx.announce({ kind: 'user', id });
      return Number(result.numDeletedRows) > 0;
    },

    getSite: readSite,
    async initSite(site, now) {
      await db.insertInto('site').values({ id: 1, name: site.name, time_zone: site.timeZone, created_at: now, updated_at: now }).execute();
      return written(await readSite(), 'site');
    },
    async updateSite(site, now) {
      await db.updateTable('site').set({ name: site.name, time_zone: site.timeZone, updated_at: now }).where('id', '=', 1).execute();
      await ctx.announce({ kind: 'all' });
      return written(await readSite(), 'site');
    },
  };
}
