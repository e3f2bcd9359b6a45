/**
 * One source of truth for "may this principal read this record": for generated roles (positive
 * and negative entries, `on_creator` self and role, inheritance), tokens and users with roles,
 * content trees and records (created by various tokens, users and the account; drafts, published,
 * updated) and principals with and without root nodes, the SQL predicate the store compiles, the
 * pure evaluation of the same rule and the per-record decision (`denialFor`) select exactly the
 * same records, and the count agrees with the page. On every dialect.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { denialFor } from '../../src/core/content/access.ts';
import { afterEdit, published } from '../../src/core/content/lifecycle.ts';
import type { Creator, Item } from '../../src/core/content/model.ts';
import { modelCounters } from '../../src/core/content/query.ts';
import { evaluateReadRule, readRule, type ReadEndpoint } from '../../src/core/content/read-rule.ts';
import { newTokenGrants, type Principal } from '../../src/core/model.ts';
import { compilePrincipal } from '../../src/core/principal.ts';
import { defaultRoleAttributes, finalPermissions, type ItemTypePermission, type Role } from '../../src/core/roles.ts';
import { hashSecret } from '../../src/core/secret.ts';
import { openStore } from '../../src/store/database.ts';
import type { SqlStore } from '../../src/store/sql-store.ts';
import { DIALECTS, createTestDatabase, type TestDatabase } from '../support/databases.ts';
import { accessToken, user as userOf } from '../support/principals.ts';
import { itemTypeInput } from '../../src/core/content/item-types.ts';

const NOW = '2026-11-18T10:00:00.000Z';
const ROLES = 3;
const TYPES = 3;
let serial = 0;

const creatorArb = fc.oneof(
  fc.record({ type: fc.constant('access_token' as const), index: fc.nat(4) }),
  fc.record({ type: fc.constant('user' as const), index: fc.nat(2) }),
  fc.record({ type: fc.constant('account' as const), index: fc.constant(0) }),
);
const worldArb = fc.record({
  userRoles: fc.array(fc.nat(ROLES - 1), { minLength: 3, maxLength: 3 }),
  tokens: fc.array(fc.oneof(fc.record({ role: fc.nat(ROLES - 1) }), fc.record({ user: fc.nat(2) })), { minLength: 5, maxLength: 5 }),
  items: fc.array(
    fc.record({
      type: fc.nat(TYPES - 1),
      parent: fc.option(fc.nat(), { nil: null }),
      creator: creatorArb,
      state: fc.constantFrom('draft', 'published', 'updated'),
    }),
    { minLength: 5, maxLength: 30 },
  ),
});
type World = typeof worldArb extends fc.Arbitrary<infer W> ? W : never;

const entryArb = fc.record({
  type: fc.option(fc.nat(TYPES - 1), { nil: null }),
  action: fc.constantFrom('read', 'all', 'update'),
  on_creator: fc.constantFrom('anyone', 'self', 'role'),
});
const entriesArb = (max: number) => fc.array(entryArb, { maxLength: max });
const principalArb = fc.record({
  token: fc.nat(4),
  permissions: fc.constantFrom(['*'], ['content:read'], ['content:read', 'content:preview'], ['schema:read']),
  hasRole: fc.boolean(),
  own: fc.record({ positive: entriesArb(3), negative: entriesArb(2) }),
  inherited: fc.record({ positive: entriesArb(2), negative: entriesArb(2) }),
  roots: fc.array(fc.oneof(fc.nat(29), fc.constant(-1)), { maxLength: 2 }),
  read: fc.oneof(
    fc.record({
      endpoint: fc.constant('items.list' as const),
      version: fc.constantFrom('current' as const, 'published' as const),
      includeDrafts: fc.constant(false),
    }),
    fc
      .record({ endpoint: fc.constant('cda.query' as const), includeDrafts: fc.boolean() })
      .map((r) => ({ ...r, version: r.includeDrafts ? ('current' as const) : ('published' as const) })),
  ),
});
type PrincipalSpec = typeof principalArb extends fc.Arbitrary<infer P> ? P : never;

/** What a generated world became in the store: ids, and each credential's role as the rule means it. */
interface Seeded {
  readonly typeIds: string[];
  readonly items: Item[];
  readonly tokens: { id: string; userId: string | null; roleId: string }[];
  readonly creatorRole: (creator: Creator) => string | null;
}

for (const dialect of DIALECTS) {
  describe(`${dialect}: the read rule in SQL, evaluated and decided`, () => {
    let db: TestDatabase;
    let store: SqlStore;
    let roleIds: string[];

    beforeAll(async () => {
      db = await createTestDatabase(dialect);
      store = await openStore(db.target);
      roleIds = [];
      for (let i = 0; i < ROLES; i++)
        roleIds.push((await store.createRole({ name: `role ${i}`, attributes: defaultRoleAttributes(), inheritsFrom: [] }, NOW)).id);
    });
    afterAll(async () => {
      await store?.close();
      await db?.drop();
    });

    async function seed(world: World): Promise<Seeded> {
      const n = ++serial;
      const users = [];
      for (const [i, role] of world.userRoles.entries()) {
        users.push(await store.createUser({ email: `u${n}-${i}@example.com`, fullName: 'User', isActive: true, roleId: roleIds[role]! }, NOW));
      }
      const tokens = [];
      for (const [i, spec] of world.tokens.entries()) {
        const grants = 'role' in spec ? { roleId: roleIds[spec.role]! } : { userId: users[spec.user]!.id };
        const token = await store.createToken(
          {
            ...newTokenGrants({ name: `t${n}-${i}`, canAccessCda: true, canAccessCdaPreview: true, canAccessCma: true, ...grants }),
            secretHash: hashSecret(`secret-${n}-${i}`),
            displayKey: 'lk_abc…wxyz',
            hardcodedType: null,
            createdByTokenId: null,
            createdAt: NOW,
          },
          () => null,
        );
        tokens.push({ id: token.id, userId: token.userId, roleId: token.roleId ?? users.find((u) => u.id === token.userId)!.roleId });
      }
      const typeIds: string[] = [];
      for (let i = 0; i < TYPES; i++) {
        typeIds.push((await store.createItemType(itemTypeInput({ name: `M${i}`, apiKey: `m${n}_t${i}`, tree: i === 0 }), NOW)).id);
      }
      const created: Item[] = [];
      for (const spec of world.items) {
        const parents = created.filter((item) => item.itemTypeId === typeIds[0]);
        const parent = spec.parent === null || parents.length === 0 ? null : parents[spec.parent % parents.length]!;
        const creator: Creator =
          spec.creator.type === 'access_token'
            ? { type: 'access_token', id: tokens[spec.creator.index]!.id }
            : spec.creator.type === 'user'
              ? { type: 'user', id: users[spec.creator.index]!.id }
              : { type: 'account', id: 'owner' };
        let item = await store.createItem({
          itemTypeId: typeIds[spec.type]!,
          parentId: parent?.id ?? null,
          position: 0,
          current: { v: 1 },
          creator,
          createdAt: NOW,
        });
        if (spec.state !== 'draft') item = (await store.updateItem(item.id, { ...published(item, NOW), updatedAt: NOW }))!;
        if (spec.state === 'updated') item = (await store.updateItem(item.id, { ...afterEdit(item, { v: 2 }), updatedAt: NOW }))!;
        created.push(item);
      }
      const userRole = new Map(users.map((u) => [u.id, u.roleId]));
      const tokenRole = new Map(tokens.map((t) => [t.id, t.roleId]));
      const creatorRole = (c: Creator) => (c.type === 'access_token' ? (tokenRole.get(c.id) ?? null) : c.type === 'user' ? (userRole.get(c.id) ?? null) : null);
      return { typeIds, items: created, tokens, creatorRole };
    }

    function principalFor(spec: PrincipalSpec, world: Seeded): Principal {
      const tok = world.tokens[spec.token]!;
      const entries = (list: PrincipalSpec['own']['positive']): ItemTypePermission[] =>
        list.map((e) => ({ item_type: e.type === null ? null : world.typeIds[e.type]!, action: e.action, on_creator: e.on_creator }));
      const attributes = (side: PrincipalSpec['own']) => ({
        ...defaultRoleAttributes(),
        positive_item_type_permissions: entries(side.positive),
        negative_item_type_permissions: entries(side.negative),
      });
      const parent: Role = { id: 'parent', name: 'parent', attributes: attributes(spec.inherited), inheritsFrom: [] };
      const role: Role = { id: tok.roleId, name: 'own', attributes: attributes(spec.own), inheritsFrom: ['parent'] };
      const rootNodeIds = spec.roots.map((r) => (r < 0 ? '999999' : (world.items[r % world.items.length]?.id ?? '999999')));
      const token = accessToken({ id: tok.id, userId: tok.userId, roleId: tok.userId ? null : tok.roleId, permissions: spec.permissions, rootNodeIds });
      const user = tok.userId ? userOf({ id: tok.userId, roleId: tok.roleId }) : null;
      return {
        ...compilePrincipal(token, user, () => undefined),
        role: spec.hasRole ? role : null,
        final: spec.hasRole ? finalPermissions(role, (id) => (id === 'parent' ? parent : undefined)) : null,
      };
    }

    it('selects the same records, and counts them alike, for ~100 principals', async () => {
      // Across the runs some records are read and some are refused: the suite cannot pass vacuously.
      const seen = { read: 0, refused: 0, byCounters: 0, bySubtrees: 0, byRows: 0 };
      await fc.assert(
        fc.asyncProperty(worldArb, fc.array(principalArb, { minLength: 25, maxLength: 25 }), async (worldSpec, principals) => {
          const world = await seed(worldSpec);
          for (const item of world.items) expect(await store.creatorRole(item.creator)).toBe(world.creatorRole(item.creator));
          for (const spec of principals) {
            const principal = principalFor(spec, world);
            const { endpoint, version, includeDrafts } = spec.read as { endpoint: ReadEndpoint; version: 'current' | 'published'; includeDrafts: boolean };
            const rule = readRule(principal, endpoint, { version, includeDrafts });
            const search = { rule, version, itemTypeIds: world.typeIds };
            const bySql = (await store.searchItems(search)).map((i) => i.id);
            const byRule = world.items
              .filter((item) =>
                evaluateReadRule(rule, {
                  itemTypeId: item.itemTypeId,
                  creator: item.creator,
                  creatorRoleId: world.creatorRole(item.creator),
                  pathIds: item.pathIds,
                  hasPublished: item.published !== null,
                }),
              )
              .map((i) => i.id);
            const byDecision = world.items
              .filter((item) => version === 'current' || item.published !== null)
              .filter((item) => denialFor(principal, endpoint, item, { includeDrafts, roles: world.creatorRole }) === null)
              .map((i) => i.id);
            expect(bySql).toEqual(byRule);
            expect(byRule).toEqual(byDecision);
            expect(await store.countSearch(search)).toBe(bySql.length);
            // Per model, the count is read from the model's counters wherever the rule takes the
            // model whole, from the roots' subtree counters where it takes the model whole within
            // root nodes (overlapping roots among them), and from the rows elsewhere: all agree
            // with the records read.
            for (const typeId of world.typeIds) {
              const ofModel = { ...search, itemTypeIds: [typeId] };
              const counters = modelCounters(ofModel);
              seen[counters?.subtrees ? 'bySubtrees' : counters ? 'byCounters' : 'byRows']++;
              expect(await store.countSearch(ofModel)).toBe(byRule.filter((id) => world.items.find((i) => i.id === id)!.itemTypeId === typeId).length);
            }
            seen.read += bySql.length;
            seen.refused += world.items.length - bySql.length;
          }
        }),
        { numRuns: 4 },
      );
      expect(seen.read).toBeGreaterThan(0);
      expect(seen.refused).toBeGreaterThan(0);
      expect(seen.byCounters).toBeGreaterThan(0);
      expect(seen.bySubtrees).toBeGreaterThan(0);
      expect(seen.byRows).toBeGreaterThan(0);
    }, 60_000);
  });
}
