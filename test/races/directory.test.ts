/**
 * Concurrent writes on roles and users: every answer a 2xx or a documented 4xx, and a final state
 * one serial order of the two would give (a deleted role is referenced by nothing).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../support/databases.ts';
import { adminRoleId, createRole, created, expectOnly, fresh, race, send, startPair, TRIALS, type Pair } from './instances.ts';

describe.each(DIALECTS)('%s: role and user write races', (dialect) => {
  let pair: Pair;
  let adminRole: string;

  beforeAll(async () => {
    pair = await startPair(dialect);
    adminRole = await adminRoleId(pair.a);
  });
  afterAll(async () => pair?.close());

  const userDocument = (roleId: string, attributes: Record<string, unknown> = {}, id?: string) => ({
    data: {
      type: 'user',
      ...(id ? { id } : {}),
      attributes: { email: `${fresh('u').replace(/ /g, '-')}@example.com`, full_name: 'Racer', ...attributes },
      relationships: { role: { data: { type: 'role', id: roleId } } },
    },
  });
  const roleDocument = (attributes: Record<string, unknown>, id?: string, parents?: string[]) => ({
    data: {
      type: 'role',
      ...(id ? { id } : {}),
      attributes,
      ...(parents ? { relationships: { inherits_permissions_from: { data: parents.map((p) => ({ type: 'role', id: p })) } } } : {}),
    },
  });

  it('creating a user with a role × deleting that role: exactly one wins', async () => {
    for (let trial = 0; trial < TRIALS; trial++) {
      const role = await createRole(pair.a);
      const [user, deleted] = await race(
        () => send(pair.a, 'POST', '/users', userDocument(role)),
        () => send(pair.b, 'DELETE', `/roles/${role}`),
      );
      expectOnly(user, ['422 INVALID_RELATIONSHIP']);
      expectOnly(deleted, ['422 DELETE_RESTRICTION']);
      expect([user.statusCode, deleted.statusCode].sort(), `${user.body}\n${deleted.body}`).toEqual(user.statusCode === 201 ? [201, 422] : [200, 422]);
      const users = await pair.a.runtime.store.listUsers();
      if (deleted.statusCode === 200) expect(users.filter((u) => u.roleId === role)).toEqual([]);
    }
  });

  it('moving a user to a role × deleting that role: exactly one wins', async () => {
    for (let trial = 0; trial < TRIALS; trial++) {
      const userId = created(await send(pair.a, 'POST', '/users', userDocument(adminRole))).id;
      const role = await createRole(pair.a);
      const [moved, deleted] = await race(
        () => send(pair.a, 'PUT', `/users/${userId}`, { data: { type: 'user', id: userId, relationships: { role: { data: { type: 'role', id: role } } } } }),
        () => send(pair.b, 'DELETE', `/roles/${role}`),
      );
      expectOnly(moved, ['422 INVALID_RELATIONSHIP']);
      expectOnly(deleted, ['422 DELETE_RESTRICTION']);
      expect((moved.statusCode === 200) !== (deleted.statusCode === 200), `${moved.body}\n${deleted.body}`).toBe(true);
      const user = await pair.a.runtime.store.findUser(userId);
      expect(user?.roleId).toBe(moved.statusCode === 200 ? role : adminRole);
    }
  });

  it('inheriting from a role × deleting it: no role inherits from a deleted one', async () => {
    for (let trial = 0; trial < TRIALS; trial++) {
      const parent = await createRole(pair.a);
      const child = await createRole(pair.a);
      const [inherited, deleted] = await race(
        () => send(pair.a, 'PUT', `/roles/${child}`, roleDocument({}, child, [parent])),
        () => send(pair.b, 'DELETE', `/roles/${parent}`),
      );
      expectOnly(inherited, ['422 INVALID_RELATIONSHIP']);
      expectOnly(deleted, ['422 DELETE_RESTRICTION']);
      expect((inherited.statusCode === 200) !== (deleted.statusCode === 200), `${inherited.body}\n${deleted.body}`).toBe(true);
      const roles = await pair.a.runtime.store.listRoles();
      const ids = new Set(roles.map((r) => r.id));
      for (const role of roles) for (const p of role.inheritsFrom) expect(ids.has(p)).toBe(true);
    }
  });

  it('two roles created with one name: one 201, one 422', async () => {
    for (let trial = 0; trial < TRIALS; trial++) {
      const name = fresh('twin');
      const answers = await race(
        () => send(pair.a, 'POST', '/roles', roleDocument({ name })),
        () => send(pair.b, 'POST', '/roles', roleDocument({ name })),
      );
      for (const res of answers) expectOnly(res, ['422 INVALID_FIELD']);
      expect(answers.map((r) => r.statusCode).sort()).toEqual([201, 422]);
      expect((await pair.a.runtime.store.listRoles()).filter((r) => r.name === name)).toHaveLength(1);
    }
  });

  it('two duplicates of one role: both 201 under different names', async () => {
    for (let trial = 0; trial < 5; trial++) {
      const role = await createRole(pair.a);
      const answers = await race(
        () => send(pair.a, 'POST', `/roles/${role}/duplicate`),
        () => send(pair.b, 'POST', `/roles/${role}/duplicate`),
      );
      const names = answers.map((res) => created(res).attributes.name);
      expect(new Set(names).size).toBe(2);
    }
  });

  it('update × update of one role, and of one user: both 200, one of the two values stays', async () => {
    for (let trial = 0; trial < TRIALS; trial++) {
      const role = await createRole(pair.a);
      const names = [fresh('left'), fresh('right')];
      const answers = await race(
        () => send(pair.a, 'PUT', `/roles/${role}`, roleDocument({ name: names[0] }, role)),
        () => send(pair.b, 'PUT', `/roles/${role}`, roleDocument({ name: names[1] }, role)),
      );
      for (const res of answers) expect(res.statusCode, res.body).toBe(200);
      expect(names).toContain((await pair.a.runtime.store.findRole(role))?.name);

      const userId = created(await send(pair.a, 'POST', '/users', userDocument(adminRole))).id;
      const fullNames = ['Left', 'Right'];
      const userAnswers = await race(
        () => send(pair.a, 'PUT', `/users/${userId}`, { data: { type: 'user', id: userId, attributes: { full_name: fullNames[0] } } }),
        () => send(pair.b, 'PUT', `/users/${userId}`, { data: { type: 'user', id: userId, attributes: { full_name: fullNames[1] } } }),
      );
      for (const res of userAnswers) expect(res.statusCode, res.body).toBe(200);
      expect(fullNames).toContain((await pair.a.runtime.store.findUser(userId))?.fullName);
    }
  });
});
