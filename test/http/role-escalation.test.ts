/**
 * No escalation through roles and users: a token that may manage users cannot widen its own role,
 * write a role stronger than itself, or move a user (its own base user included) to one; nor act on
 * a user or role that is already stronger than itself (edit, deactivate, retarget, delete).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../support/databases.ts';
import { startHarness, type Harness } from '../support/harness.ts';
import { adminRoleId, createRole, createToken } from '../support/fixtures.ts';

const roleRef = (id: string) => ({ role: { data: { type: 'role', id } } });
const readArticles = [{ item_type: null, action: 'read', on_creator: 'anyone' }];

for (const dialect of DIALECTS) {
  describe(`${dialect}: no escalation through roles and users`, () => {
    let h: Harness;
    let managerRole: string;
    let manager: { id: string; secret: string };
    let user: string;
    let basedOnUser: { id: string; secret: string };

    beforeAll(async () => {
      h = await startHarness({ dialect });
      managerRole = await createRole(h, 'People managers', {
        can_manage_users: true,
        positive_item_type_permissions: readArticles,
        negative_item_type_permissions: [],
      });
      manager = await createToken(h, { permissions: ['roles:*', 'users:*'] }, roleRef(managerRole));
      const created = await h.request('POST', '/users', {
        token: h.adminSecret,
        body: { data: { type: 'user', attributes: { email: 'pm@example.com', full_name: 'PM' }, relationships: roleRef(managerRole) } },
      });
      user = created.json().data.id;
      basedOnUser = await createToken(h, { permissions: ['roles:*', 'users:*'] }, { user: { data: { type: 'user', id: user } } });
    });
    afterAll(() => h.close());

    const escalation = (res: { statusCode: number; json(): { data: { attributes: { code: string; details: { layer: string; excess: string[] } } }[] } }) => {
      expect(res.statusCode).toBe(403);
      const { attributes } = res.json().data[0]!;
      expect(attributes.code).toBe('INSUFFICIENT_PERMISSIONS');
      expect(attributes.details.layer).toBe('escalation');
      return attributes.details.excess;
    };

    it('cannot add a flag to its own role, and the role stays as it was', async () => {
      const res = await h.request('PUT', `/roles/${managerRole}`, {
        token: manager.secret,
        body: { data: { type: 'role', attributes: { can_manage_access_tokens: true } } },
      });
      expect(escalation(res)).toEqual(['role:can_manage_access_tokens']);
      const role = (await h.request('GET', `/roles/${managerRole}`, { token: h.adminSecret })).json().data;
      expect(role.attributes.can_manage_access_tokens).toBe(false);
      const me = (await h.request('GET', '/users/me', { token: manager.secret })).json().data;
      expect(me.meta.effective_access.final_permissions.can_manage_access_tokens).toBe(false);
    });

    it('cannot create, inherit into or duplicate a role stronger than itself', async () => {
      const writeAll = [{ item_type: null, action: 'all', on_creator: 'anyone' }];
      const created = await h.request('POST', '/roles', {
        token: manager.secret,
        body: { data: { type: 'role', attributes: { name: 'Writers', positive_item_type_permissions: writeAll, negative_item_type_permissions: [] } } },
      });
      expect(escalation(created)).toContain('content:update@*');
      const inheriting = await h.request('POST', '/roles', {
        token: manager.secret,
        body: {
          data: {
            type: 'role',
            attributes: { name: 'Sneaky' },
            relationships: { inherits_permissions_from: { data: [{ type: 'role', id: await adminRoleId(h) }] } },
          },
        },
      });
      expect(escalation(inheriting)).toContain('role:can_manage_access_tokens');
      expect(escalation(await h.request('POST', `/roles/${await adminRoleId(h)}/duplicate`, { token: manager.secret }))).toContain('role:can_edit_schema');
    });

    it('can still write a role within its own rights', async () => {
      const res = await h.request('POST', '/roles', {
        token: manager.secret,
        body: { data: { type: 'role', attributes: { name: 'Readers', positive_item_type_permissions: readArticles, negative_item_type_permissions: [] } } },
      });
      expect(res.statusCode).toBe(201);
    });

    it('cannot move a user, its own base user included, to a stronger role', async () => {
      const res = await h.request('PUT', `/users/${user}`, {
        token: basedOnUser.secret,
        body: { data: { type: 'user', attributes: {}, relationships: roleRef(await adminRoleId(h)) } },
      });
      expect(escalation(res)).toContain('role:can_manage_access_tokens');
      const me = (await h.request('GET', '/users/me', { token: basedOnUser.secret })).json().data;
      expect(me.meta.effective_access.role.id).toBe(managerRole);
      const created = await h.request('POST', '/users', {
        token: manager.secret,
        body: { data: { type: 'user', attributes: { email: 'boss@example.com', full_name: 'Boss' }, relationships: roleRef(await adminRoleId(h)) } },
      });
      escalation(created);
    });

    it('cannot edit, deactivate, retarget or delete a user whose role is stronger than its own', async () => {
      const admin = await adminRoleId(h);
      const boss = (
        await h.request('POST', '/users', {
          token: h.adminSecret,
          body: { data: { type: 'user', attributes: { email: 'ceo@example.com', full_name: 'CEO' }, relationships: roleRef(admin) } },
        })
      ).json().data.id as string;
      const before = (await h.request('GET', `/users/${boss}`, { token: h.adminSecret })).json();
      for (const body of [
        { data: { type: 'user', attributes: { full_name: 'Renamed' } } },
        { data: { type: 'user', attributes: { is_active: false } } },
        { data: { type: 'user', attributes: {}, relationships: roleRef(managerRole) } },
      ]) {
        expect(escalation(await h.request('PUT', `/users/${boss}`, { token: manager.secret, body }))).toContain('role:can_manage_access_tokens');
      }
      expect(escalation(await h.request('DELETE', `/users/${boss}`, { token: manager.secret }))).toContain('role:can_manage_access_tokens');
      expect((await h.request('GET', `/users/${boss}`, { token: h.adminSecret })).json()).toEqual(before);
    });

    it('cannot edit or delete a role stronger than its own, even one nobody uses', async () => {
      const strong = (
        await h.request('POST', '/roles', {
          token: h.adminSecret,
          body: { data: { type: 'role', attributes: { name: 'Schema editors', can_edit_schema: true } } },
        })
      ).json().data.id as string;
      const rename = { data: { type: 'role', attributes: { name: 'Renamed', can_edit_schema: false } } };
      expect(escalation(await h.request('PUT', `/roles/${strong}`, { token: manager.secret, body: rename }))).toEqual(['role:can_edit_schema']);
      expect(escalation(await h.request('DELETE', `/roles/${strong}`, { token: manager.secret }))).toEqual(['role:can_edit_schema']);
      const after = (await h.request('GET', `/roles/${strong}`, { token: h.adminSecret })).json().data;
      expect(after.attributes).toMatchObject({ name: 'Schema editors', can_edit_schema: true });
    });

    it('still edits and deletes users and roles within its own rights', async () => {
      const peer = (
        await h.request('POST', '/users', {
          token: manager.secret,
          body: { data: { type: 'user', attributes: { email: 'peer@example.com', full_name: 'Peer' }, relationships: roleRef(managerRole) } },
        })
      ).json().data.id as string;
      expect(
        (await h.request('PUT', `/users/${peer}`, { token: manager.secret, body: { data: { type: 'user', attributes: { is_active: false } } } })).statusCode,
      ).toBe(200);
      expect((await h.request('DELETE', `/users/${peer}`, { token: manager.secret })).statusCode).toBe(200);
      const weak = (
        await h.request('POST', '/roles', {
          token: manager.secret,
          body: { data: { type: 'role', attributes: { name: 'Nobody', positive_item_type_permissions: [], negative_item_type_permissions: [] } } },
        })
      ).json().data.id as string;
      expect(
        (await h.request('PUT', `/roles/${weak}`, { token: manager.secret, body: { data: { type: 'role', attributes: { name: 'Nobody at all' } } } }))
          .statusCode,
      ).toBe(200);
      expect((await h.request('DELETE', `/roles/${weak}`, { token: manager.secret })).statusCode).toBe(200);
    });

    it('cannot reshape a stronger role by editing a role it inherits from, directly or further down', async () => {
      const inherits = (...ids: string[]) => ({ inherits_permissions_from: { data: ids.map((id) => ({ type: 'role', id })) } });
      const create = async (name: string, attributes: Record<string, unknown>, relationships: Record<string, unknown> = {}) => {
        const res = await h.request('POST', '/roles', {
          token: h.adminSecret,
          body: { data: { type: 'role', attributes: { name, ...attributes }, relationships } },
        });
        expect(res.statusCode).toBe(201);
        return res.json().data.id as string;
      };
      // Base grants no more than the manager holds; Lead (through Middle) grants more.
      const base = await create('Base', { positive_item_type_permissions: readArticles, negative_item_type_permissions: [] });
      const middle = await create('Middle', {}, inherits(base));
      await create('Lead', { can_manage_access_tokens: true }, inherits(middle));
      const rename = await h.request('PUT', `/roles/${base}`, {
        token: manager.secret,
        body: { data: { type: 'role', attributes: { name: 'Base renamed' } } },
      });
      expect(escalation(rename)).toEqual(['role:can_manage_access_tokens']);
      const narrow = await h.request('PUT', `/roles/${base}`, {
        token: manager.secret,
        body: { data: { type: 'role', attributes: { positive_item_type_permissions: [], negative_item_type_permissions: [] } } },
      });
      expect(escalation(narrow)).toEqual(['role:can_manage_access_tokens']);
      const stored = (await h.request('GET', `/roles/${base}`, { token: h.adminSecret })).json().data;
      expect(stored.attributes.name).toBe('Base');
      expect(stored.attributes.positive_item_type_permissions).toHaveLength(1);
      // Middle's only heir is Lead too; the full-access token may still edit them all.
      expect(
        escalation(await h.request('PUT', `/roles/${middle}`, { token: manager.secret, body: { data: { type: 'role', attributes: { name: 'M2' } } } })),
      ).toEqual(['role:can_manage_access_tokens']);
      expect(
        (await h.request('PUT', `/roles/${base}`, { token: h.adminSecret, body: { data: { type: 'role', attributes: { name: 'Base renamed' } } } })).statusCode,
      ).toBe(200);
    });

    it('may edit a role whose heirs it holds in full', async () => {
      const base = await createRole(h, 'Plain base', { positive_item_type_permissions: readArticles, negative_item_type_permissions: [] });
      const heir = await h.request('POST', '/roles', {
        token: h.adminSecret,
        body: {
          data: { type: 'role', attributes: { name: 'Plain heir' }, relationships: { inherits_permissions_from: { data: [{ type: 'role', id: base }] } } },
        },
      });
      expect(heir.statusCode).toBe(201);
      expect(
        (await h.request('PUT', `/roles/${base}`, { token: manager.secret, body: { data: { type: 'role', attributes: { name: 'Plain base 2' } } } }))
          .statusCode,
      ).toBe(200);
    });
  });
}
