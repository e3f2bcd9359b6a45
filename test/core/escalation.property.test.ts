/**
 * No escalation, as a property (fast-check): random sequences of token creates, updates, rotations
 * and deletions, by random existing tokens (principals resolved from the live token cache), asking
 * for random grants. After every call that succeeds, the token it produced holds no right its
 * creator lacked at that moment: permission strings, surfaces, role flags and content rights,
 * expiry, root nodes, base user, IP allowlist. And a token that was updated, rotated or deleted held
 * no such right before the call either: power over a token needs everything it holds.
 * Generically, over every restriction of the list: whatever request a produced token's restriction
 * admits, its creator's admits too.
 */
import { SYSTEM_CONTEXT } from '../../src/core/audit.ts';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ApiProblem } from '../../src/core/errors.ts';
import { roleExcess } from '../../src/core/escalation.ts';
import { allowlistAdmits } from '../../src/core/restrictions/ip.ts';
import type { Principal } from '../../src/core/model.ts';
import { ALL_PERMISSIONS, maskCovers } from '../../src/core/permissions.ts';
import { CONTENT_ACTIONS, ENFORCED_FLAGS, ROLE_FLAGS, allowsContent, defaultRoleAttributes, type ContentAction } from '../../src/core/roles.ts';
import { createToken, destroyToken, grantsOf, rotateToken, updateToken, type TokenGrants, type TokenUpdate } from '../../src/core/tokens.ts';
import { startHarness, type Harness } from '../support/harness.ts';
import type { AccessRequest } from '../../src/core/access.ts';
import type { EndpointRule } from '../../src/core/endpoints.ts';
import { RESTRICTIONS } from '../../src/core/restrictions/index.ts';
import { createItemType, itemTypeInput } from '../../src/core/content/item-types.ts';
import { createItem } from '../../src/core/content/item-writes.ts';

const MODELS = ['10', '11', '99'];
const ACTIONS = CONTENT_ACTIONS.filter((a): a is ContentAction => a !== 'all');
const CREATORS = [
  { createdBySelf: true, createdBySameRole: true },
  { createdBySelf: false, createdBySameRole: true },
  { createdBySelf: false, createdBySameRole: false },
];
const PROBE_ORIGINS = [null, 'https://app.example.com', 'https://a.shop.example.com', 'https://example.com', 'http://localhost:3000', 'https://evil.test'];
const PROBE_IPS = ['10.0.0.1', '10.1.2.3', '10.2.0.1', '192.0.2.1', '192.0.2.2', '2001:db8::1', '2001:db9::1', '127.0.0.1'];
const HOUR = 3_600_000;

const entry = fc.record({
  item_type: fc.constantFrom(null, '10', '11'),
  action: fc.constantFrom(...CONTENT_ACTIONS),
  on_creator: fc.constantFrom('anyone' as const, 'self' as const, 'role' as const),
});
const roleSpec = fc.record({
  flags: fc.subarray([...ENFORCED_FLAGS, 'can_manage_menu' as const]),
  positive: fc.array(entry, { maxLength: 3 }),
  negative: fc.array(entry, { maxLength: 2 }),
  inherits: fc.boolean(),
});
/** A base: `role` indexes the roles (0 = Admin), `user` the users. */
const base = fc.oneof(fc.record({ role: fc.nat(3) }), fc.record({ user: fc.nat(2) }));
const grantsArb = fc.record({
  permissions: fc.subarray(['*', 'content:*', '*:read', '*:write', 'api-keys:*', 'content:read', 'content:publish', 'roles:write', 'site:read']),
  canAccessCma: fc.boolean(),
  canAccessCda: fc.boolean(),
  canAccessCdaPreview: fc.boolean(),
  base,
  expiresInHours: fc.constantFrom(null, -1, 1, 2, 24),
  /** Indexes into the world's items: 0 a website, 1 a page under it, 2 another website. */
  rootNodeIds: fc.subarray([0, 1, 2]),
  ipAllowlist: fc.constantFrom(null, ['10.0.0.0/8'], ['10.1.0.0/16'], ['192.0.2.1'], ['2001:db8::/32', '10.0.0.0/8'], []),
  allowedOrigins: fc.constantFrom(
    null,
    ['https://*.example.com'],
    ['https://*.shop.example.com'],
    ['https://app.example.com'],
    ['https://app.example.com', 'http://localhost:3000'],
    [],
  ),
});
type GrantsSpec = typeof grantsArb extends fc.Arbitrary<infer T> ? T : never;
const command = fc.record({
  caller: fc.nat(),
  kind: fc.constantFrom('create' as const, 'create' as const, 'update' as const, 'rotate' as const, 'destroy' as const),
  target: fc.nat(),
  grants: grantsArb,
  /** Create from the caller's own grants with only `fields` changed (likelier to pass), or from scratch. */
  derive: fc.boolean(),
  /** Which members an update sends (the rest stay as they are). */
  fields: fc.subarray(['permissions', 'surfaces', 'base', 'expiresAt', 'rootNodeIds', 'ipAllowlist', 'allowedOrigins', 'enabled'] as const, { minLength: 1 }),
});

interface World {
  readonly h: Harness;
  readonly roleIds: string[];
  readonly userIds: string[];
  readonly tokens: { id: string; secret: string }[];
  /** Item ids and their paths (ancestors and itself), for root nodes. */
  readonly items: { id: string; pathIds: readonly string[] }[];
}

function toGrants(world: World, spec: GrantsSpec, now: number): TokenGrants {
  const roleId = 'role' in spec.base ? world.roleIds[spec.base.role % world.roleIds.length]! : null;
  const userId = 'user' in spec.base ? world.userIds[spec.base.user % world.userIds.length]! : null;
  return {
    name: 'generated',
    permissions: spec.permissions,
    canAccessCma: spec.canAccessCma,
    canAccessCda: spec.canAccessCda,
    canAccessCdaPreview: spec.canAccessCdaPreview,
    roleId,
    userId,
    expiresAt: spec.expiresInHours === null ? null : new Date(now + spec.expiresInHours * HOUR).toISOString(),
    rootNodeIds: spec.rootNodeIds.map((i) => world.items[i]!.id),
    ipAllowlist: spec.ipAllowlist,
    allowedOrigins: spec.allowedOrigins,
    enabled: true,
    rateLimit: null,
  };
}

function pick(grants: TokenGrants, fields: readonly string[]): TokenUpdate {
  const update: { -readonly [K in keyof TokenGrants]?: TokenGrants[K] } = {};
  for (const field of fields) {
    switch (field) {
      case 'surfaces':
        Object.assign(update, { canAccessCma: grants.canAccessCma, canAccessCda: grants.canAccessCda, canAccessCdaPreview: grants.canAccessCdaPreview });
        break;
      case 'base':
        Object.assign(update, { roleId: grants.roleId, userId: grants.userId });
        break;
      case 'enabled':
        update.enabled = false;
        break;
      default:
        Object.assign(update, { [field]: grants[field as keyof TokenGrants] });
    }
  }
  return update;
}

async function principalOf(h: Harness, secret: string): Promise<Principal> {
  const credential = await h.runtime.deps.cache.lookup(secret);
  if (credential.kind !== 'found') throw new Error(`token not resolvable: ${credential.kind}`);
  return credential.principal;
}

/** The property, checked independently of the code under test (except roleExcess, as a second opinion). */
function assertWithin(world: World, child: Principal, parent: Principal): void {
  for (const p of ALL_PERMISSIONS) if (maskCovers(child.permissionMask, p)) expect(maskCovers(parent.permissionMask, p), p).toBe(true);
  for (const flag of ['canAccessCma', 'canAccessCda', 'canAccessCdaPreview'] as const) {
    if (child.token[flag]) expect(parent.token[flag], flag).toBe(true);
  }
  if (child.final) {
    expect(parent.final, 'a role').not.toBeNull();
    const parentRole = parent.final!;
    for (const flag of ROLE_FLAGS) if (child.final[flag]) expect(parentRole[flag], flag).toBe(true);
    for (const itemTypeId of MODELS) {
      for (const action of ACTIONS) {
        for (const creator of CREATORS) {
          const target = { itemTypeId, ...creator };
          if (allowsContent(child.final, action, target)) expect(allowsContent(parentRole, action, target), `${action}@${itemTypeId}`).toBe(true);
        }
      }
    }
    expect(roleExcess(child.final, parentRole)).toEqual([]);
  }
  if (parent.expiresAtMs !== null) {
    expect(child.expiresAtMs).not.toBeNull();
    expect(child.expiresAtMs!).toBeLessThanOrEqual(parent.expiresAtMs);
  }
  if (parent.token.rootNodeIds.length > 0) {
    expect(child.token.rootNodeIds.length).toBeGreaterThan(0);
    // Each child root lies inside one of the parent's subtrees (the root itself or a descendant).
    for (const id of child.token.rootNodeIds) {
      const path = world.items.find((item) => item.id === id)?.pathIds ?? [];
      expect(
        path.some((p) => parent.token.rootNodeIds.includes(p)),
        `root ${id}`,
      ).toBe(true);
    }
  }
  if (parent.token.userId !== null) expect(child.token.userId).toBe(parent.token.userId);
  if (parent.allowlist !== null) {
    expect(child.allowlist).not.toBeNull();
    for (const ip of PROBE_IPS) if (allowlistAdmits(child.allowlist!, ip)) expect(allowlistAdmits(parent.allowlist, ip), ip).toBe(true);
  }
}

const PROBE_RULES: EndpointRule[] = [
  { surface: 'cma', permission: 'api-keys:write', roleFlag: 'can_manage_access_tokens', description: 'POST /access_tokens' },
  { surface: 'cma', permission: 'content:update', content: 'update', description: 'PUT /items/:id' },
  { surface: 'cma', permission: 'site:read', description: 'GET /site' },
  { surface: 'cda', permission: 'content:read', content: 'read', description: 'POST /graphql' },
];

/** Requests to probe with: every rule, address, instant and record (or none) the world has. */
function probes(world: World): AccessRequest[] {
  const now = world.h.clock.now();
  const targets = [
    undefined,
    ...world.items.flatMap((item) => MODELS.map((itemTypeId) => ({ itemTypeId, createdBySelf: false, createdBySameRole: false, pathIds: item.pathIds }))),
  ];
  return PROBE_RULES.flatMap((rule) =>
    [false, true].flatMap((includeDrafts) =>
      [null, ...PROBE_IPS].flatMap((clientIp) =>
        [now + 90 * 60_000, now + 30 * HOUR].flatMap((at) =>
          targets.map((target, i) => ({
            rule,
            includeDrafts,
            clientIp,
            origin: PROBE_ORIGINS[i % PROBE_ORIGINS.length]!,
            now: at,
            ...(target ? { target } : {}),
          })),
        ),
      ),
    ),
  );
}

/**
 * The property over the list itself: no restriction of `child` admits a request that `parent`'s
 * refuses. A disabled token cannot call at all (it never gets to act on a token over the API), so
 * a disabled caller is no parent to compare with; this harness calls the services directly.
 */
function assertAdmitsWithin(world: World, child: Principal, parent: Principal): void {
  if (!parent.token.enabled) return;
  const noRate = () => null;
  const admits = (restriction: (typeof RESTRICTIONS)[number], principal: Principal, request: AccessRequest) => {
    const outcome = restriction.admit(principal, request, noRate);
    return outcome === null || !('ok' in outcome);
  };
  for (const request of probes(world)) {
    for (const restriction of RESTRICTIONS) {
      // expect() only on a failure: this runs for thousands of probes per step.
      if (admits(restriction, child, request) && !admits(restriction, parent, request))
        expect.fail(`${restriction.name} admits ${JSON.stringify(request)} for the child only`);
    }
  }
}

async function buildWorld(
  roles: readonly (typeof roleSpec extends fc.Arbitrary<infer T> ? T : never)[],
  userRoles: readonly number[],
  seeds: readonly GrantsSpec[],
): Promise<World> {
  const h = await startHarness();
  const { store, tokens } = h.runtime;
  const now = new Date(h.clock.now()).toISOString();
  const roleIds = [(await store.listRoles())[0]!.id];
  for (const [i, spec] of roles.entries()) {
    const attributes = { ...defaultRoleAttributes(), positive_item_type_permissions: spec.positive, negative_item_type_permissions: spec.negative };
    for (const flag of spec.flags) attributes[flag] = true;
    const inheritsFrom = spec.inherits && roleIds.length > 1 ? [roleIds.at(-1)!] : [];
    roleIds.push((await store.createRole({ name: `role ${i}`, attributes, inheritsFrom }, now)).id);
  }
  const userIds: string[] = [];
  for (const [i, r] of userRoles.entries()) {
    userIds.push((await store.createUser({ email: `u${i}@example.com`, fullName: `U ${i}`, isActive: true, roleId: roleIds[r % roleIds.length]! }, now)).id);
  }
  const { content } = h.runtime.deps;
  const section = await createItemType(
    h.runtime.deps,
    itemTypeInput({
      name: 'Section',
      apiKey: 'section',
      tree: true,
      draftModeActive: true,
      fields: [{ api_key: 'title', label: 'Title', field_type: 'string' }],
    }),
    SYSTEM_CONTEXT,
  );
  const website = await createItem(content, null, { itemTypeId: section.id, values: {}, parentId: null });
  const page = await createItem(content, null, { itemTypeId: section.id, values: {}, parentId: website.id });
  const other = await createItem(content, null, { itemTypeId: section.id, values: {}, parentId: null });
  const world: World = {
    h,
    roleIds,
    userIds,
    tokens: [{ id: (await store.listTokens()).find((t) => t.hardcodedType === 'admin')!.id, secret: h.adminSecret }],
    items: [website, page, other].map((item) => ({ id: item.id, pathIds: item.pathIds })),
  };
  for (const seed of seeds) {
    const issued = await createToken(tokens, toGrants(world, seed, h.clock.now()), null, SYSTEM_CONTEXT);
    world.tokens.push({ id: issued.token.id, secret: issued.secret });
  }
  return world;
}

const EXPECTED_REFUSALS = new Set(['INSUFFICIENT_PERMISSIONS', 'NON_EDITABLE_ACCESS_TOKEN', 'CANNOT_DESTROY_CURRENT_USER']);

describe('no escalation (property)', () => {
  it('never lets a create or update produce a token stronger than its caller, nor a weaker caller act on a stronger token', async () => {
    const outcomes = { created: 0, updated: 0, rotated: 0, destroyed: 0, refused: 0 };
    await fc.assert(
      fc.asyncProperty(
        fc.array(roleSpec, { minLength: 1, maxLength: 3 }),
        fc.array(fc.nat(3), { minLength: 2, maxLength: 2 }),
        fc.array(grantsArb, { minLength: 1, maxLength: 3 }),
        fc.array(command, { minLength: 1, maxLength: 12 }),
        async (roles, userRoles, seeds, commands) => {
          const world = await buildWorld(roles, userRoles, seeds);
          const { h } = world;
          try {
            for (const cmd of commands) {
              const caller = world.tokens[cmd.caller % world.tokens.length]!;
              const callerPrincipal = await principalOf(h, caller.secret);
              const requested = toGrants(world, cmd.grants, h.clock.now());
              const grants = cmd.derive ? { ...grantsOf(callerPrincipal.token), ...pick(requested, cmd.fields) } : requested;
              const target = world.tokens[cmd.target % world.tokens.length]!;
              const targetBefore = cmd.kind === 'create' ? null : await principalOf(h, target.secret);
              let produced: { id: string; secret: string } | null = null;
              try {
                switch (cmd.kind) {
                  case 'create': {
                    const issued = await createToken(h.runtime.tokens, grants, callerPrincipal, SYSTEM_CONTEXT);
                    produced = { id: issued.token.id, secret: issued.secret };
                    world.tokens.push(produced);
                    outcomes.created++;
                    break;
                  }
                  case 'update':
                    await updateToken(h.runtime.tokens, target.id, pick(requested, cmd.fields), callerPrincipal, SYSTEM_CONTEXT);
                    produced = target;
                    outcomes.updated++;
                    break;
                  case 'rotate': {
                    const issued = await rotateToken(h.runtime.tokens, target.id, SYSTEM_CONTEXT, 0, callerPrincipal);
                    world.tokens[world.tokens.indexOf(target)] = { id: target.id, secret: issued.secret };
                    outcomes.rotated++;
                    break;
                  }
                  case 'destroy':
                    await destroyToken(h.runtime.tokens, target.id, callerPrincipal, SYSTEM_CONTEXT);
                    world.tokens.splice(world.tokens.indexOf(target), 1);
                    outcomes.destroyed++;
                    break;
                }
              } catch (error) {
                if (!(error instanceof ApiProblem) || !EXPECTED_REFUSALS.has(error.code)) throw error;
                outcomes.refused++;
                continue;
              }
              if (targetBefore) {
                assertWithin(world, targetBefore, callerPrincipal);
                assertAdmitsWithin(world, targetBefore, callerPrincipal);
              }
              if (produced) {
                const child = await principalOf(h, produced.secret);
                assertWithin(world, child, callerPrincipal);
                assertAdmitsWithin(world, child, callerPrincipal);
              }
              h.clock.advance(10 * 60_000);
            }
          } finally {
            await h.close();
          }
        },
      ),
      { numRuns: 40 },
    );
    // The property is not vacuous: plenty of calls went through, plenty were refused.
    expect(outcomes.created).toBeGreaterThan(10);
    expect(outcomes.updated).toBeGreaterThan(5);
    expect(outcomes.rotated + outcomes.destroyed).toBeGreaterThan(5);
    expect(outcomes.refused).toBeGreaterThan(10);
  }, 120_000);
});
