/**
 * The storage contract, run against every dialect: what the core relies on from `Store`, and the
 * change events the token caches rely on. No mocks: a real SQLite file, a real PostgreSQL schema.
 */
import { newTokenGrants } from '../../src/core/model.ts';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DIALECTS, createTestDatabase, type TestDatabase } from '../support/databases.ts';
import { openStore } from '../../src/store/database.ts';
import type { SqlStore } from '../../src/store/sql-store.ts';
import type { Change } from '../../src/core/changes.ts';
import type { NewAccessToken, NewRole, PageRequest } from '../../src/core/ports.ts';
import { hashSecret } from '../../src/core/secret.ts';
import { adminRoleAttributes, defaultRoleAttributes } from '../../src/core/roles.ts';

const T = (minute: number) => new Date(Date.UTC(2026, 10, 18, 10, minute)).toISOString();
let serial = 0;
const unique = (prefix: string) => `${prefix}-${++serial}`;

const newRole = (overrides: Partial<NewRole> = {}): NewRole => ({
  name: unique('role'),
  attributes: { ...defaultRoleAttributes(), can_edit_site: true },
  inheritsFrom: [],
  ...overrides,
});

const newToken = (roleId: string, overrides: Partial<NewAccessToken> = {}): NewAccessToken => ({
  ...newTokenGrants({ name: unique('token'), canAccessCda: true, canAccessCdaPreview: false, canAccessCma: true, roleId }),
  secretHash: hashSecret(unique('secret')),
  displayKey: 'lk_abc…wxyz',
  hardcodedType: null,
  createdByTokenId: null,
  createdAt: T(0),
  ...overrides,
});
const noSeal = () => null;

for (const dialect of DIALECTS) {
  describe(`${dialect}: store conformance`, () => {
    let db: TestDatabase;
    let store: SqlStore;
    let roleId: string;
    const changes: Change[] = [];

    beforeAll(async () => {
      db = await createTestDatabase(dialect);
      store = await openStore(db.target);
      store.changes.subscribe((change) => changes.push(change));
      roleId = (await store.createRole(newRole(), T(0))).id;
    });
    afterAll(async () => {
      await store?.close();
      await db?.drop();
    });
    beforeEach(() => {
      changes.length = 0;
    });

    describe('roles', () => {
      it('creates, finds, lists, updates and deletes, announcing each write', async () => {
        const parent = await store.createRole(newRole(), T(1));
        const attributes = { ...adminRoleAttributes(), can_manage_users: false };
        const created = await store.createRole({ name: 'Editors', attributes, inheritsFrom: [parent.id] }, T(1));
        expect(created).toEqual({ id: expect.stringMatching(/^[1-9][0-9]*$/), name: 'Editors', attributes, inheritsFrom: [parent.id] });
        expect(await store.findRole(created.id)).toEqual(created);
        expect((await store.listRoles()).map((r) => r.id)).toEqual(expect.arrayContaining([parent.id, created.id]));

        const updated = await store.updateRole(created.id, { name: 'Writers', attributes: defaultRoleAttributes(), inheritsFrom: [] }, T(2));
        expect(updated).toEqual({ id: created.id, name: 'Writers', attributes: defaultRoleAttributes(), inheritsFrom: [] });
        expect(await store.deleteRole(created.id)).toBe(true);
        expect(await store.findRole(created.id)).toBeNull();
        expect(await store.deleteRole(created.id)).toBe(false);
        expect(changes.slice(0, 4)).toEqual([{ kind: 'roles' }, { kind: 'roles' }, { kind: 'roles' }, { kind: 'roles' }]);
      });

      it('returns null for unknown and non-numeric ids', async () => {
        for (const id of ['999999', 'abc', '0', '-1', '1.5', '']) {
          expect(await store.findRole(id)).toBeNull();
          expect(await store.updateRole(id, newRole(), T(1))).toBeNull();
        }
        expect(changes).toEqual([]);
      });

      it('keeps role names unique', async () => {
        const name = unique('unique role');
        await store.createRole(newRole({ name }), T(1));
        changes.length = 0;
        await expect(store.createRole(newRole({ name }), T(1))).rejects.toThrow();
        expect(changes).toEqual([]);
      });

      it('counts what uses a role', async () => {
        const target = await store.createRole(newRole(), T(1));
        await store.createRole(newRole({ inheritsFrom: [target.id] }), T(1));
        await store.createUser({ email: `${unique('u')}@example.com`, fullName: 'U', isActive: true, roleId: target.id }, T(1));
        await store.createToken(newToken(target.id), noSeal);
        await store.createToken(newToken(target.id), noSeal);
        expect(await store.roleUsage(target.id)).toEqual({ tokens: 2, users: 1, inheritingRoles: 1 });
        expect(await store.roleUsage('999999')).toEqual({ tokens: 0, users: 0, inheritingRoles: 0 });
      });

      it('refuses to delete a role a token or a user still uses', async () => {
        const byToken = await store.createRole(newRole(), T(1));
        const byUser = await store.createRole(newRole(), T(1));
        await store.createToken(newToken(byToken.id), noSeal);
        await store.createUser({ email: `${unique('u')}@example.com`, fullName: 'U', isActive: true, roleId: byUser.id }, T(1));
        changes.length = 0;
        await expect(store.deleteRole(byToken.id)).rejects.toThrow();
        await expect(store.deleteRole(byUser.id)).rejects.toThrow();
        expect(await store.findRole(byToken.id)).not.toBeNull();
        expect(await store.findRole(byUser.id)).not.toBeNull();
        expect(changes).toEqual([]);
      });
    });

    describe('users', () => {
      it('creates, finds, lists, updates and deletes, announcing each write', async () => {
        const email = `${unique('editor')}@example.com`;
        const created = await store.createUser({ email, fullName: 'Ed Itor', isActive: true, roleId }, T(1));
        expect(created).toEqual({
          id: expect.stringMatching(/^[1-9][0-9]*$/),
          email,
          fullName: 'Ed Itor',
          isActive: true,
          roleId,
          createdAt: T(1),
          updatedAt: T(1),
        });
        expect(await store.findUser(created.id)).toEqual(created);
        expect(await store.findUserByEmail(email)).toEqual(created);
        expect(await store.findUserByEmail(`nobody-${email}`)).toBeNull();
        expect((await store.listUsers()).map((u) => u.id)).toContain(created.id);

        const other = await store.createRole(newRole(), T(2));
        changes.length = 0;
        const updated = await store.updateUser(created.id, { email, fullName: 'Ed', isActive: false, roleId: other.id }, T(3));
        expect(updated).toEqual({ ...created, fullName: 'Ed', isActive: false, roleId: other.id, updatedAt: T(3) });
        expect(await store.updateUser('999999', { email, fullName: 'x', isActive: true, roleId }, T(3))).toBeNull();
        expect(await store.deleteUser(created.id)).toBe(true);
        expect(await store.findUser(created.id)).toBeNull();
        expect(changes).toEqual([
          { kind: 'user', id: created.id },
          { kind: 'user', id: created.id },
        ]);
      });

      it('keeps emails unique', async () => {
        const email = `${unique('same')}@example.com`;
        const first = await store.createUser({ email, fullName: 'A', isActive: true, roleId }, T(1));
        await expect(store.createUser({ email, fullName: 'B', isActive: true, roleId }, T(1))).rejects.toThrow();
        const second = await store.createUser({ email: `2-${email}`, fullName: 'B', isActive: true, roleId }, T(1));
        await expect(store.updateUser(second.id, { email, fullName: 'B', isActive: true, roleId }, T(2))).rejects.toThrow();
        expect((await store.findUserByEmail(email))?.id).toBe(first.id);
      });

      it('refuses a role that does not exist', async () => {
        const email = `${unique('orphan')}@example.com`;
        await expect(store.createUser({ email, fullName: 'O', isActive: true, roleId: '999999' }, T(1))).rejects.toThrow();
        expect(await store.findUserByEmail(email)).toBeNull();
      });

      it('refuses to delete a user that tokens are based on, and counts them', async () => {
        const u = await store.createUser({ email: `${unique('base')}@example.com`, fullName: 'B', isActive: true, roleId }, T(1));
        await store.createToken(newToken(roleId, { roleId: null, userId: u.id }), noSeal);
        expect(await store.countTokensOfUser(u.id)).toBe(1);
        expect(await store.countTokensOfUser('abc')).toBe(0);
        await expect(store.deleteUser(u.id)).rejects.toThrow();
        expect(await store.findUser(u.id)).not.toBeNull();
      });
    });

    describe('site', () => {
      it('starts empty, initialises once and announces updates to everyone', async () => {
        expect(await store.getSite()).toBeNull();
        const site = await store.initSite({ name: 'Project', timeZone: 'UTC' }, T(1));
        expect(site).toEqual({ name: 'Project', timeZone: 'UTC', createdAt: T(1), updatedAt: T(1) });
        await expect(store.initSite({ name: 'Again', timeZone: 'UTC' }, T(2))).rejects.toThrow();
        changes.length = 0;
        const updated = await store.updateSite({ name: 'Renamed', timeZone: 'Pacific/Auckland' }, T(3));
        expect(updated).toEqual({ name: 'Renamed', timeZone: 'Pacific/Auckland', createdAt: T(1), updatedAt: T(3) });
        expect(changes).toEqual([{ kind: 'all' }]);
      });
    });

    registerTokenTests(() => ({ store, roleId, changes }));
    registerPageTests(() => ({ store, roleId }));
  });
}

/** Pages in SQL: each must equal the matching slice of the full, id-ordered list. */
function registerPageTests(get: () => { store: SqlStore; roleId: string }) {
  describe('pages', () => {
    type Lister<T extends { id: string }> = {
      all: () => Promise<T[]>;
      page: (p: PageRequest) => Promise<T[]>;
      count: () => Promise<number>;
    };
    async function expectSlices<T extends { id: string }>(lister: Lister<T>): Promise<void> {
      const all = await lister.all();
      expect(all.length).toBeGreaterThanOrEqual(4);
      expect(await lister.count()).toBe(all.length);
      for (const [offset, limit] of [
        [0, 1],
        [1, 2],
        [0, all.length],
        [all.length - 1, 10],
        [all.length, 5],
        [Number.MAX_SAFE_INTEGER, 3],
      ] as const) {
        expect(await lister.page({ offset, limit })).toEqual(all.slice(offset, offset + limit));
      }
      // Keyset: after a row's id, then an offset within what follows.
      const after = all[1]!.id;
      expect(await lister.page({ offset: 0, limit: 2, afterId: after })).toEqual(all.slice(2, 4));
      expect(await lister.page({ offset: 1, limit: 1, afterId: after })).toEqual(all.slice(3, 4));
      // An id no row can have reads from the start rather than failing.
      expect(await lister.page({ offset: 0, limit: 2, afterId: 'x' })).toEqual(all.slice(0, 2));
    }

    it('pages and counts tokens', async () => {
      const { store, roleId } = get();
      for (let i = 0; i < 4; i++) await store.createToken(newToken(roleId), noSeal);
      await expectSlices({ all: () => store.listTokens(), page: (p) => store.pageTokens(p), count: () => store.countTokens() });
    });

    it('pages and counts roles, finds several by id and one by name', async () => {
      const { store } = get();
      const made = [];
      for (let i = 0; i < 4; i++) made.push(await store.createRole(newRole(), T(5)));
      await expectSlices({ all: () => store.listRoles(), page: (p) => store.pageRoles(p), count: () => store.countRoles() });
      const [a, b] = made;
      expect(await store.findRoles([b!.id, a!.id, b!.id, '999999', 'x', ''])).toEqual([a, b]);
      expect(await store.findRoles([])).toEqual([]);
      expect(await store.findRoleByName(a!.name)).toEqual(a);
      expect(await store.findRoleByName(`${a!.name} `)).toBeNull();
    });

    it('pages and counts users, and finds several by id', async () => {
      const { store, roleId } = get();
      const made = [];
      for (let i = 0; i < 4; i++) made.push(await store.createUser({ email: `${unique('paged')}@example.com`, fullName: 'P', isActive: true, roleId }, T(5)));
      await expectSlices({ all: () => store.listUsers(), page: (p) => store.pageUsers(p), count: () => store.countUsers() });
      const [a, b] = made;
      expect(await store.findUsers([b!.id, '0', a!.id, '12345678901'])).toEqual([a, b]);
      expect(await store.findUsers([])).toEqual([]);
    });
  });
}

/** Token-store cases, split out to keep each block readable. */
function registerTokenTests(get: () => { store: SqlStore; roleId: string; changes: Change[] }) {
  describe('tokens', () => {
    it('round-trips every column, including the extensions', async () => {
      const { store, roleId, changes } = get();
      const creator = await store.createToken(newToken(roleId), noSeal);
      changes.length = 0;
      const input = newToken(roleId, {
        name: 'Everything',
        hardcodedType: 'readonly',
        canAccessCda: false,
        canAccessCdaPreview: true,
        canAccessCma: false,
        permissions: ['content:read', 'schema:*', '*:read'],
        rootNodeIds: ['12', '345'],
        enabled: false,
        expiresAt: '2027-01-02T03:04:05.678Z',
        ipAllowlist: ['10.0.0.0/8', '2001:db8::/32'],
        rateLimit: { cma: { limit: 5, period_seconds: 10 }, cda: { limit: 1000, period_seconds: 1 } },
        createdByTokenId: creator.id,
      });
      let sealedFor: string | null = null;
      const token = await store.createToken(input, (id) => {
        sealedFor = id;
        return `sealed-for-${id}`;
      });
      const { createdAt, ...rest } = input;
      expect(token).toEqual({
        ...rest,
        id: sealedFor,
        sealedSecret: `sealed-for-${sealedFor}`,
        createdAt,
        updatedAt: createdAt,
        rotatedAt: null,
        lastCmaAccessAt: null,
        lastCdaAccessAt: null,
      });
      expect(await store.findToken(token.id)).toEqual(token);
      expect((await store.listTokens()).find((t) => t.id === token.id)).toEqual(token);
      expect(changes).toEqual([{ kind: 'token', id: token.id }]);
    });

    it('keeps an empty IP allowlist apart from no allowlist', async () => {
      const { store, roleId } = get();
      const empty = await store.createToken(newToken(roleId, { ipAllowlist: [] }), noSeal);
      const none = await store.createToken(newToken(roleId, { ipAllowlist: null }), noSeal);
      expect((await store.findToken(empty.id))?.ipAllowlist).toEqual([]);
      expect((await store.findToken(none.id))?.ipAllowlist).toBeNull();
    });

    it('updates only the patched columns', async () => {
      const { store, roleId, changes } = get();
      const token = await store.createToken(
        newToken(roleId, { expiresAt: T(30), ipAllowlist: ['::1'], rateLimit: { cma: { limit: 1, period_seconds: 1 } } }),
        noSeal,
      );
      changes.length = 0;
      const renamed = await store.updateToken(token.id, { name: 'Renamed' }, T(5));
      expect(renamed).toEqual({ ...token, name: 'Renamed', updatedAt: T(5) });

      const other = await store.createRole(newRole(), T(5));
      const patch = {
        canAccessCda: false,
        canAccessCdaPreview: true,
        canAccessCma: false,
        roleId: other.id,
        permissions: ['roles:read'],
        rootNodeIds: ['7'],
        enabled: false,
        expiresAt: null,
        ipAllowlist: null,
        rateLimit: null,
        sealedSecret: 'v2.sealed',
      };
      const patched = await store.updateToken(token.id, patch, T(6));
      expect(patched).toEqual({ ...renamed, ...patch, updatedAt: T(6) });
      expect(await store.findToken(token.id)).toEqual(patched);
      expect(await store.updateToken('999999', { name: 'x' }, T(6))).toBeNull();
      expect(await store.updateToken('nope', { name: 'x' }, T(6))).toBeNull();
      expect(changes).toEqual([{ kind: 'token', id: token.id }, { kind: 'roles' }, { kind: 'token', id: token.id }]);
    });

    it('refuses a role or a user that does not exist', async () => {
      const { store, roleId } = get();
      await expect(store.createToken(newToken('999999'), noSeal)).rejects.toThrow();
      await expect(store.createToken(newToken(roleId, { roleId: null, userId: '999999' }), noSeal)).rejects.toThrow();
      const token = await store.createToken(newToken(roleId), noSeal);
      await expect(store.updateToken(token.id, { roleId: '999999' }, T(1))).rejects.toThrow();
      expect((await store.findToken(token.id))?.roleId).toBe(roleId);
    });

    it('keeps secret hashes unique', async () => {
      const { store, roleId } = get();
      const secretHash = hashSecret(unique('shared'));
      await store.createToken(newToken(roleId, { secretHash }), noSeal);
      await expect(store.createToken(newToken(roleId, { secretHash }), noSeal)).rejects.toThrow();
    });

    it('finds a token by its current secret hash only', async () => {
      const { store, roleId } = get();
      const token = await store.createToken(newToken(roleId), noSeal);
      expect(await store.findTokenBySecretHash(token.secretHash, T(0))).toEqual({ token, graceUntil: null });
      expect(await store.findTokenBySecretHash(hashSecret('never issued'), T(0))).toBeNull();
    });

    it('replaces a secret; the old one is unknown at once without a grace period', async () => {
      const { store, roleId, changes } = get();
      const token = await store.createToken(newToken(roleId), () => 'old-seal');
      changes.length = 0;
      const newHash = hashSecret(unique('rotated'));
      const rotated = await store.replaceSecret(
        token.id,
        { secretHash: newHash, sealedSecret: null, displayKey: 'lk_new…abcd', rotatedAt: T(10), previousValidUntil: null },
        (id) => `new-seal-${id}`,
      );
      expect(rotated).toEqual({
        ...token,
        secretHash: newHash,
        sealedSecret: `new-seal-${token.id}`,
        displayKey: 'lk_new…abcd',
        rotatedAt: T(10),
        updatedAt: T(10),
      });
      expect(await store.findTokenBySecretHash(token.secretHash, T(10))).toBeNull();
      expect(await store.findTokenBySecretHash(newHash, T(10))).toEqual({ token: rotated, graceUntil: null });
      expect(changes).toEqual([{ kind: 'token', id: token.id }]);
      expect(
        await store.replaceSecret(
          '999999',
          { secretHash: hashSecret('x'), sealedSecret: null, displayKey: 'x', rotatedAt: T(10), previousValidUntil: null },
          noSeal,
        ),
      ).toBeNull();
    });

    it('keeps a previous secret valid only inside its grace period', async () => {
      const { store, roleId } = get();
      const token = await store.createToken(newToken(roleId), noSeal);
      const newHash = hashSecret(unique('graced'));
      await store.replaceSecret(token.id, { secretHash: newHash, sealedSecret: null, displayKey: 'x', rotatedAt: T(10), previousValidUntil: T(15) }, noSeal);
      expect((await store.findTokenBySecretHash(token.secretHash, T(10)))?.token.id).toBe(token.id);
      expect((await store.findTokenBySecretHash(token.secretHash, '2026-11-18T10:14:59.999Z'))?.token.id).toBe(token.id);
      // Found through the old secret, it is the token as it is now (new hash).
      expect((await store.findTokenBySecretHash(token.secretHash, T(10)))?.token.secretHash).toBe(newHash);
      expect(await store.findTokenBySecretHash(token.secretHash, T(15))).toBeNull();
      expect(await store.findTokenBySecretHash(token.secretHash, T(20))).toBeNull();
      expect((await store.findTokenBySecretHash(newHash, T(20)))?.token.id).toBe(token.id);
    });

    it('deletes a token together with its previous secrets', async () => {
      const { store, roleId, changes } = get();
      const token = await store.createToken(newToken(roleId), noSeal);
      await store.replaceSecret(
        token.id,
        { secretHash: hashSecret(unique('x')), sealedSecret: null, displayKey: 'x', rotatedAt: T(1), previousValidUntil: T(59) },
        noSeal,
      );
      changes.length = 0;
      expect(await store.deleteToken(token.id)).toBe(true);
      expect(await store.findToken(token.id)).toBeNull();
      expect(await store.findTokenBySecretHash(token.secretHash, T(2))).toBeNull();
      const left = await store.db.selectFrom('previous_secrets').selectAll().where('token_id', '=', Number(token.id)).execute();
      expect(left).toEqual([]);
      expect(changes).toEqual([{ kind: 'token', id: token.id }]);
      expect(await store.deleteToken(token.id)).toBe(false);
      expect(await store.deleteToken('abc')).toBe(false);
    });

    it('records last access only forwards, per surface, without announcing a change', async () => {
      const { store, roleId, changes } = get();
      const token = await store.createToken(newToken(roleId), noSeal);
      changes.length = 0;
      await store.recordAccess([{ tokenId: token.id, cma: T(20), cda: null }]);
      await store.recordAccess([{ tokenId: token.id, cma: T(10), cda: T(5) }]);
      let stored = await store.findToken(token.id);
      expect([stored?.lastCmaAccessAt, stored?.lastCdaAccessAt]).toEqual([T(20), T(5)]);
      await store.recordAccess([
        { tokenId: token.id, cma: T(30), cda: T(4) },
        { tokenId: '999999', cma: T(30), cda: T(30) },
        { tokenId: 'not-an-id', cma: T(30), cda: null },
      ]);
      stored = await store.findToken(token.id);
      expect([stored?.lastCmaAccessAt, stored?.lastCdaAccessAt]).toEqual([T(30), T(5)]);
      expect(stored?.updatedAt).toBe(token.updatedAt);
      // Last access never changes what a token may do, so caches stay warm.
      expect(changes).toEqual([]);
    });
  });

  describe('transactions', () => {
    it('commits everything and announces the changes after the commit, in order', async () => {
      const { store, roleId, changes } = get();
      let seenInside = -1;
      const { role, token } = await store.transaction(async (tx) => {
        const role = await tx.createRole(newRole(), T(1));
        const token = await tx.createToken(newToken(roleId), noSeal);
        seenInside = changes.length;
        return { role, token };
      });
      expect(seenInside).toBe(0);
      expect(await store.findRole(role.id)).toEqual(role);
      expect(await store.findToken(token.id)).toEqual(token);
      expect(changes).toEqual([{ kind: 'roles' }, { kind: 'token', id: token.id }]);
    });

    it('rolls everything back on a throw and announces nothing', async () => {
      const { store, roleId, changes } = get();
      const name = unique('rolled back');
      const secretHash = hashSecret(unique('rolled back'));
      const failure = new Error('boom');
      await expect(
        store.transaction(async (tx) => {
          await tx.createRole(newRole({ name }), T(1));
          await tx.createToken(newToken(roleId, { secretHash }), noSeal);
          // A nested transaction joins the outer one and is rolled back with it.
          await tx.transaction(async (inner) => inner.updateSite({ name: 'inside', timeZone: 'UTC' }, T(1)));
          throw failure;
        }),
      ).rejects.toBe(failure);
      expect((await store.listRoles()).some((r) => r.name === name)).toBe(false);
      expect(await store.findTokenBySecretHash(secretHash, T(1))).toBeNull();
      expect((await store.getSite())?.name).not.toBe('inside');
      expect(changes).toEqual([]);
    });

    it('rolls back when a statement fails midway', async () => {
      const { store, changes } = get();
      const name = unique('half');
      await expect(
        store.transaction(async (tx) => {
          await tx.createRole(newRole({ name }), T(1));
          await tx.createRole(newRole({ name }), T(1));
        }),
      ).rejects.toThrow();
      expect((await store.listRoles()).some((r) => r.name === name)).toBe(false);
      expect(changes).toEqual([]);
    });
  });
}
