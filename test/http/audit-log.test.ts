import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../support/databases.ts';
import { startHarness, type Harness } from '../support/harness.ts';
import { adminRoleId, createRole, createToken } from '../support/fixtures.ts';
import { hashSecret } from '../../src/core/secret.ts';
import { CLI_CONTEXT } from '../../src/core/audit.ts';
import { setTokenEnabled } from '../../src/core/tokens.ts';

interface EventView {
  id: string;
  attributes: {
    occurred_at: string;
    action: string;
    actor_type: string;
    actor_id: string | null;
    subject_type: string;
    subject_id: string | null;
    client_ip: string | null;
    request_id: string | null;
    changes: Record<string, unknown>;
  };
}

for (const dialect of DIALECTS) {
  describe(`${dialect}: the audit log`, () => {
    let h: Harness;
    let adminId: string;
    beforeAll(async () => {
      h = await startHarness({ dialect });
      const me = await h.request('GET', '/users/me', { token: h.adminSecret });
      adminId = me.json().data.id;
    });
    afterAll(() => h.close());

    const events = async (query = ''): Promise<EventView[]> => {
      const res = await h.request('GET', `/audit_log_events${query}`, { token: h.adminSecret });
      expect(res.statusCode).toBe(200);
      return res.json().data;
    };
    /** Sends a change and returns its X-Request-Id with the body. */
    const change = async (method: 'POST' | 'PUT' | 'DELETE', url: string, body?: unknown) => {
      const res = await h.request(method, url, { token: h.adminSecret, ...(body !== undefined ? { body } : {}) });
      expect(res.statusCode, res.body).toBeLessThan(300);
      return { requestId: res.headers['x-request-id'] as string, json: res.json() };
    };

    it('records every token, role, user and site change with actor, time, address and request id, and no secret', async () => {
      const secrets = [h.adminSecret, h.readonlySecret];
      const roleId = await adminRoleId(h);
      const expected: { action: string; subject: string; requestId: string }[] = [];
      const note = (action: string, subject: string, requestId: string) => expected.push({ action, subject, requestId });

      const tokenBody = (attributes: Record<string, unknown>) => ({
        data: { type: 'access_token', attributes, relationships: { role: { data: { type: 'role', id: roleId } } } },
      });
      const created = await change(
        'POST',
        '/access_tokens',
        tokenBody({ name: 'ci', can_access_cma: true, can_access_cda: false, can_access_cda_preview: false, permissions: ['content:read'] }),
      );
      const tokenId = created.json.data.id;
      secrets.push(created.json.data.attributes.token);
      note('access_token.create', tokenId, created.requestId);
      note(
        'access_token.update',
        tokenId,
        (await change('PUT', `/access_tokens/${tokenId}`, { data: { type: 'access_token', attributes: { name: 'ci 2' } } })).requestId,
      );
      note(
        'access_token.disable',
        tokenId,
        (await change('PUT', `/access_tokens/${tokenId}`, { data: { type: 'access_token', attributes: { enabled: false } } })).requestId,
      );
      note(
        'access_token.enable',
        tokenId,
        (await change('PUT', `/access_tokens/${tokenId}`, { data: { type: 'access_token', attributes: { enabled: true } } })).requestId,
      );
      const rotated = await change('POST', `/access_tokens/${tokenId}/regenerate_token?grace_period=60`);
      secrets.push(rotated.json.data.attributes.token);
      note('access_token.rotate', tokenId, rotated.requestId);
      const account = await change('POST', '/api/v1/admin/access-tokens', { name: 'account' });
      secrets.push(account.json.data[0].key);
      note('access_token.create', account.json.data[0]._id, account.requestId);
      note('access_token.destroy', account.json.data[0]._id, (await change('DELETE', `/api/v1/admin/access-tokens/${account.json.data[0]._id}`)).requestId);
      note('access_token.destroy', tokenId, (await change('DELETE', `/access_tokens/${tokenId}`)).requestId);

      const role = await change('POST', '/roles', { data: { type: 'role', attributes: { name: 'Editors', can_edit_schema: true } } });
      const editorsId = role.json.data.id;
      note('role.create', editorsId, role.requestId);
      note(
        'role.update',
        editorsId,
        (await change('PUT', `/roles/${editorsId}`, { data: { type: 'role', attributes: { can_edit_schema: false } } })).requestId,
      );
      const copy = await change('POST', `/roles/${editorsId}/duplicate`);
      note('role.duplicate', copy.json.data.id, copy.requestId);
      note('role.destroy', copy.json.data.id, (await change('DELETE', `/roles/${copy.json.data.id}`)).requestId);

      const user = await change('POST', '/users', {
        data: { type: 'user', attributes: { email: 'ada@example.com', full_name: 'Ada' }, relationships: { role: { data: { type: 'role', id: editorsId } } } },
      });
      const userId = user.json.data.id;
      note('user.create', userId, user.requestId);
      note('user.update', userId, (await change('PUT', `/users/${userId}`, { data: { type: 'user', attributes: { is_active: false } } })).requestId);
      note('user.destroy', userId, (await change('DELETE', `/users/${userId}`)).requestId);
      const site = await change('PUT', '/site', { data: { type: 'site', attributes: { name: 'Renamed' } } });

      const all = await events('?page[limit]=100');
      for (const { action, subject, requestId } of expected) {
        const match = all.find((e) => e.attributes.request_id === requestId && e.attributes.action === action);
        expect(match, `${action} ${subject}`).toBeDefined();
        expect(match!.attributes).toMatchObject({
          actor_type: 'access_token',
          actor_id: adminId,
          subject_id: subject,
          client_ip: '127.0.0.1',
        });
        expect(Date.parse(match!.attributes.occurred_at)).toBe(h.clock.now());
      }
      expect(all.find((e) => e.attributes.request_id === site.requestId)?.attributes).toMatchObject({
        action: 'site.update',
        changes: { name: { from: 'Latchkey project', to: 'Renamed' } },
      });
      const update = all.find((e) => e.attributes.action === 'access_token.update');
      expect(update?.attributes.changes).toEqual({ name: { from: 'ci', to: 'ci 2' } });
      const disable = all.find((e) => e.attributes.action === 'access_token.disable');
      expect(disable?.attributes.changes).toEqual({ enabled: { from: true, to: false } });

      // No secret, secret hash or ciphertext anywhere in the table, whatever column.
      const rows = await h.runtime.store.db.selectFrom('audit_log_events').selectAll().execute();
      const dump = JSON.stringify(rows);
      const sealed = (await h.runtime.store.db.selectFrom('access_tokens').select('sealed_secret').execute())
        .map((r) => r.sealed_secret)
        .filter((s): s is string => s !== null);
      expect(sealed.length).toBeGreaterThan(0);
      for (const secret of secrets) {
        expect(dump).not.toContain(secret);
        expect(dump).not.toContain(hashSecret(secret));
        expect(dump).not.toContain(secret.slice(3, 20));
      }
      for (const ciphertext of sealed) expect(dump).not.toContain(ciphertext);
    });

    it('records the factory tokens of the first start as made by the system', async () => {
      const created = await events('?filter[action]=access_token.create&filter[subject_id]=1');
      expect(created).toHaveLength(1);
      expect(created[0]!.attributes).toMatchObject({ actor_type: 'system', actor_id: null, client_ip: null, request_id: null });
      expect(created[0]!.attributes.changes).toMatchObject({ hardcoded_type: 'readonly', can_access_cda: true });
    });

    it('records break-glass changes of the offline commands as made by the CLI', async () => {
      const readonlyId = (await events('?filter[action]=access_token.create&filter[subject_id]=1'))[0]!.attributes.subject_id!;
      await setTokenEnabled(h.runtime.tokens, readonlyId, false, CLI_CONTEXT);
      await setTokenEnabled(h.runtime.tokens, readonlyId, true, CLI_CONTEXT);
      const toggles = await events(`?filter[subject_id]=${readonlyId}&filter[subject_type]=access_token&page[limit]=2`);
      expect(toggles.map((e) => [e.attributes.action, e.attributes.actor_type, e.attributes.actor_id])).toEqual([
        ['access_token.enable', 'cli', null],
        ['access_token.disable', 'cli', null],
      ]);
    });

    it('records nothing for a change that is refused', async () => {
      const roleId = await createRole(h, 'In use');
      await createToken(h, {}, { role: { data: { type: 'role', id: roleId } } });
      const before = (await events(`?filter[subject_type]=role&filter[subject_id]=${roleId}`)).length;
      const refused = await h.request('DELETE', `/roles/${roleId}`, { token: h.adminSecret });
      expect(refused.statusCode).toBe(422);
      const after = await events(`?filter[subject_type]=role&filter[subject_id]=${roleId}`);
      expect(after).toHaveLength(before);
      expect(after.map((e) => e.attributes.action)).not.toContain('role.destroy');
    });

    it('filters by action, actor, subject and time, newest first', async () => {
      const t0 = new Date(h.clock.now()).toISOString();
      h.clock.advance(60_000);
      const actor = await createToken(h, { permissions: ['roles:write', 'roles:read'] });
      const made = await h.request('POST', '/roles', { token: actor.secret, body: { data: { type: 'role', attributes: { name: 'By actor' } } } });
      expect(made.statusCode).toBe(201);
      h.clock.advance(60_000);
      const t2 = new Date(h.clock.now()).toISOString();
      await createRole(h, 'Later');

      const byActor = await events(`?filter[actor_id]=${actor.id}`);
      expect(byActor.map((e) => e.attributes.action)).toEqual(['role.create']);
      expect(byActor[0]!.attributes.subject_id).toBe(made.json().data.id);

      const roleCreates = await events('?filter[action]=role.create');
      expect(roleCreates.every((e) => e.attributes.action === 'role.create')).toBe(true);
      expect(roleCreates.map((e) => Number(e.id))).toEqual([...roleCreates.map((e) => Number(e.id))].sort((a, b) => b - a));

      const window = await events(`?filter[since]=${encodeURIComponent(new Date(Date.parse(t0) + 1).toISOString())}&filter[until]=${encodeURIComponent(t2)}`);
      expect(window.map((e) => e.attributes.action).sort()).toEqual(['access_token.create', 'role.create']);
      expect((await events(`?filter[since]=${encodeURIComponent(t2)}&filter[action]=role.create`)).map((e) => e.attributes.changes.name)).toEqual(['Later']);
      const tokens = await events(`?filter[subject_type]=access_token&filter[subject_id]=${actor.id}`);
      expect(tokens.map((e) => e.attributes.action)).toEqual(['access_token.create']);
    });

    it('paginates with page[offset] and page[limit] (at most 100) and reports the total', async () => {
      const res = await h.request('GET', '/audit_log_events?page[limit]=3', { token: h.adminSecret });
      const total = res.json().meta.total_count;
      expect(total).toBeGreaterThan(6);
      const first = res.json().data.map((e: EventView) => e.id);
      expect(first).toHaveLength(3);
      const second = (await events('?page[limit]=3&page[offset]=3')).map((e) => e.id);
      expect(second).toHaveLength(3);
      expect(Number(second[0])).toBeLessThan(Number(first[2]));
      expect(await events(`?page[offset]=${total}`)).toEqual([]);
      expect((await events('')).length).toBe(Math.min(30, total));
      for (const bad of ['page[limit]=101', 'page[limit]=0', 'page[offset]=-1', 'filter[action]=nope', 'filter[since]=yesterday', 'filter[colour]=red']) {
        const r = await h.request('GET', `/audit_log_events?${bad}`, { token: h.adminSecret });
        expect(r.statusCode, bad).toBe(400);
        expect(r.json().data[0].attributes.code).toBe('INVALID_PARAMS');
      }
    });

    it('needs audit:read and a role with can_access_audit_log', async () => {
      const noPermission = await createToken(h, { permissions: ['roles:read'] });
      const p = await h.request('GET', '/audit_log_events', { token: noPermission.secret });
      expect(p.statusCode).toBe(403);
      expect(p.json().data[0].attributes.details).toMatchObject({ layer: 'permissions', permission: 'audit:read' });

      const roleId = await createRole(h, 'No audit');
      const noFlag = await createToken(h, { permissions: ['audit:read'] }, { role: { data: { type: 'role', id: roleId } } });
      const r = await h.request('GET', '/audit_log_events', { token: noFlag.secret });
      expect(r.statusCode).toBe(403);
      expect(r.json().data[0].attributes.details).toMatchObject({ layer: 'role', flag: 'can_access_audit_log' });

      const auditorRole = await createRole(h, 'Auditors', { can_access_audit_log: true });
      const auditor = await createToken(h, { permissions: ['audit:read'] }, { role: { data: { type: 'role', id: auditorRole } } });
      expect((await h.request('GET', '/audit_log_events', { token: auditor.secret })).statusCode).toBe(200);
    });
  });
}
