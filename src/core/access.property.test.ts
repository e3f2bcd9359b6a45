/**
 * Properties of the access decision over arbitrary tokens, roles and requests:
 *  - it agrees with a layer-by-layer model of the spec (never ok when any single layer denies, and
 *    the denial names the first failing layer);
 *  - it is monotone: narrowing any one grant never turns a denial into an allow;
 *  - generically, over every restriction of the list: the decision refuses exactly with the first
 *    restriction that refuses on its own, and leaving any one restriction out never turns an allow
 *    into a refusal (no restriction ever widens access).
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decide, type AccessRequest, type ItemTarget, type Layer, type RateLimiter } from './access.ts';
import type { EndpointRule } from './endpoints.ts';
import { ENFORCED_FLAGS, allowsContent, type ItemTypePermission } from './roles.ts';
import type { Principal } from './model.ts';
import { RESTRICTIONS } from './restrictions/index.ts';
import { entry, principal, roleAttributes, user } from '../../test/support/principals.ts';

const NOW = Date.parse('2026-11-18T10:00:00Z');

const RULES: EndpointRule[] = [
  { surface: 'cma', permission: 'api-keys:write', roleFlag: 'can_manage_access_tokens', description: 'POST /access_tokens' },
  { surface: 'cma', permission: 'roles:read', description: 'GET /roles' },
  { surface: 'cma', permission: null, description: 'GET /users/me' },
  { surface: 'cma', permission: 'site:write', roleFlag: 'can_edit_site', description: 'PUT /site' },
  { surface: 'cma', permission: 'content:update', content: 'update', description: 'PUT /items/:id' },
  { surface: 'cma', permission: 'content:publish', content: 'publish', roleFlag: 'can_edit_schema', description: 'made up' },
  { surface: 'cda', permission: 'content:read', content: 'read', description: 'POST /graphql' },
];
const GRANTS = ['*', '*:read', '*:write', 'content:*', 'content:read', 'content:preview', 'content:update', 'api-keys:write', 'roles:read', 'site:*'];
const CONTENT_ENTRIES: ItemTypePermission[] = [
  entry(null, 'all'),
  entry(null, 'read'),
  entry('article', 'update'),
  entry('article', 'all', 'self'),
  entry('page', 'publish', 'role'),
  entry(null, 'update', 'role'),
];
const ALLOWLIST_ENTRIES = ['10.0.0.0/8', '192.168.1.0/24', '::1'];
/** Which client addresses each allowlist entry admits, written out by hand as the model. */
const ADMITS: Record<string, string[]> = { '10.0.0.0/8': ['10.1.2.3', '::ffff:10.9.9.9'], '192.168.1.0/24': ['192.168.1.7'], '::1': ['::1'] };
const CLIENT_IPS = ['10.1.2.3', '::ffff:10.9.9.9', '192.168.1.7', '::1', '8.8.8.8', null];
const ROOTS = ['r1', 'r2', 'r3'];
const ORIGIN_ENTRIES = ['https://app.example.com', 'https://*.example.com', 'http://localhost:3000'];
/** Which request origins each allowed-origins entry admits, written out by hand as the model. */
const ORIGIN_ADMITS: Record<string, string[]> = {
  'https://app.example.com': ['https://app.example.com'],
  'https://*.example.com': ['https://app.example.com', 'https://a.b.example.com'],
  'http://localhost:3000': ['http://localhost:3000'],
};
const REQUEST_ORIGINS = [null, 'https://app.example.com', 'https://a.b.example.com', 'https://example.com', 'http://localhost:3000', 'https://evil.test'];

/** Usually `likely`, sometimes `other`: random layers rarely all pass, and then the later layers would go untested. */
const mostly = <T>(likely: fc.Arbitrary<T>, other: fc.Arbitrary<T>) => fc.oneof({ arbitrary: likely, weight: 6 }, { arbitrary: other, weight: 1 });
const subset = <T>(values: readonly T[], full: readonly T[]) =>
  mostly(
    fc.subarray([...values]).map((v) => [...full, ...v]),
    fc.subarray([...values]),
  );

const grantsArb = fc.record({
  enabled: mostly(fc.constant(true), fc.constant(false)),
  expiresIn: mostly(fc.constant(null), fc.integer({ min: -5, max: 5 })),
  base: mostly(fc.constantFrom('role', 'active user'), fc.constantFrom('inactive user', 'missing user')),
  canAccessCma: mostly(fc.constant(true), fc.constant(false)),
  canAccessCda: fc.boolean(),
  canAccessCdaPreview: mostly(fc.constant(true), fc.constant(false)),
  allowlist: mostly(fc.constant(null), fc.subarray(ALLOWLIST_ENTRIES)),
  origins: mostly(fc.constant(null), fc.subarray(ORIGIN_ENTRIES)),
  permissions: subset(GRANTS, ['*']).map((p) => [...new Set(p)]),
  hasRole: mostly(fc.constant(true), fc.constant(false)),
  flags: subset([...ENFORCED_FLAGS], ENFORCED_FLAGS).map((f) => [...new Set(f)]),
  positive: fc.subarray(CONTENT_ENTRIES, { minLength: 1 }),
  negative: mostly(fc.constant<ItemTypePermission[]>([]), fc.subarray(CONTENT_ENTRIES, { maxLength: 2 })),
  roots: mostly(fc.constant<string[]>([]), fc.subarray(ROOTS)),
});
type Grants = typeof grantsArb extends fc.Arbitrary<infer T> ? T : never;

const requestArb = fc.record({
  rule: fc.constantFrom(...RULES),
  includeDrafts: fc.boolean(),
  clientIp: fc.constantFrom(...CLIENT_IPS),
  origin: fc.constantFrom(...REQUEST_ORIGINS),
  target: fc.option(
    fc.record({
      itemTypeId: fc.constantFrom('article', 'page'),
      createdBySelf: fc.boolean(),
      createdBySameRole: fc.boolean(),
      pathIds: fc.subarray(['r1', 'r2', 'r3', 'x']),
    }),
    { nil: undefined },
  ),
  rateAllowed: mostly(fc.constant(true), fc.constant(false)),
});
type Req = typeof requestArb extends fc.Arbitrary<infer T> ? T : never;

function toPrincipal(g: Grants): Principal {
  const userBased = g.base !== 'role';
  return principal(
    {
      enabled: g.enabled,
      expiresAt: g.expiresIn === null ? null : new Date(NOW + g.expiresIn).toISOString(),
      roleId: userBased ? null : '1',
      userId: userBased ? '5' : null,
      canAccessCma: g.canAccessCma,
      canAccessCda: g.canAccessCda,
      canAccessCdaPreview: g.canAccessCdaPreview,
      ipAllowlist: g.allowlist,
      allowedOrigins: g.origins,
      permissions: g.permissions,
      rootNodeIds: g.roots,
    },
    {
      attributes: g.hasRole
        ? roleAttributes({
            ...Object.fromEntries(g.flags.map((f) => [f, true])),
            positive_item_type_permissions: g.positive,
            negative_item_type_permissions: g.negative,
          })
        : null,
      user: g.base === 'active user' ? user() : g.base === 'inactive user' ? user({ isActive: false }) : null,
    },
  );
}

function run(g: Grants, r: Req) {
  const limiter: RateLimiter = () => ({ allowed: r.rateAllowed, limit: 10, remaining: r.rateAllowed ? 1 : 0, resetSeconds: 1, tat: NOW });
  const request: AccessRequest = {
    rule: r.rule,
    includeDrafts: r.includeDrafts,
    clientIp: r.clientIp,
    origin: r.origin,
    now: NOW,
    ...(r.target ? { target: r.target as ItemTarget } : {}),
  };
  return decide({ kind: 'found', principal: toPrincipal(g) }, request, limiter);
}

function covers(grant: string, permission: string): boolean {
  const [resource, action] = permission.split(':');
  return grant === '*' || grant === permission || grant === `${resource}:*` || grant === `*:${action}`;
}

/** The spec's layers, each judged on its own, in the spec's order. */
function layers(g: Grants, r: Req): Array<[Layer, boolean]> {
  const cda = r.rule.surface === 'cda';
  const permission = cda && r.includeDrafts ? 'content:preview' : r.rule.permission;
  const attributes = toPrincipal(g).final;
  const userOk = g.base === 'role' || g.base === 'active user';
  return [
    ['state', g.enabled && (g.expiresIn === null || g.expiresIn > 0) && userOk],
    ['surface', cda ? (r.includeDrafts ? g.canAccessCdaPreview : g.canAccessCda || g.canAccessCdaPreview) : g.canAccessCma],
    ['network', g.allowlist === null || g.allowlist.some((e) => r.clientIp !== null && (ADMITS[e] ?? []).includes(r.clientIp))],
    ['origin', g.origins === null || r.origin === null || g.origins.some((e) => (ORIGIN_ADMITS[e] ?? []).includes(r.origin!))],
    ['rate_limit', r.rateAllowed],
    ['permissions', permission === null || g.permissions.some((grant) => covers(grant, permission))],
    [
      'role',
      attributes !== null &&
        (r.rule.roleFlag === undefined || attributes[r.rule.roleFlag]) &&
        (r.rule.content === undefined || r.target === undefined || allowsContent(attributes, r.rule.content, r.target)),
    ],
    ['scope', r.target === undefined || g.roots.length === 0 || r.target.pathIds.some((id) => g.roots.includes(id))],
  ];
}

/** One way to take something away from a token; null when it does not apply to these grants. */
const narrowings: Array<(g: Grants, i: number) => Grants | null> = [
  (g) => (g.enabled ? { ...g, enabled: false } : null),
  (g, i) => ({ ...g, expiresIn: g.expiresIn === null ? (i % 11) - 5 : Math.min(g.expiresIn, (i % 11) - 5) }),
  (g) => (g.base === 'active user' ? { ...g, base: 'inactive user' } : null),
  (g) => (g.canAccessCma ? { ...g, canAccessCma: false } : null),
  (g) => (g.canAccessCda ? { ...g, canAccessCda: false } : null),
  (g) => (g.canAccessCdaPreview ? { ...g, canAccessCdaPreview: false } : null),
  (g, i) =>
    g.allowlist === null
      ? { ...g, allowlist: ALLOWLIST_ENTRIES.slice(0, i % 3) }
      : g.allowlist.length > 0
        ? { ...g, allowlist: g.allowlist.filter((_, k) => k !== i % g.allowlist!.length) }
        : null,
  (g, i) =>
    g.origins === null
      ? { ...g, origins: ORIGIN_ENTRIES.slice(0, i % 3) }
      : g.origins.length > 0
        ? { ...g, origins: g.origins.filter((_, k) => k !== i % g.origins!.length) }
        : null,
  (g, i) => (g.permissions.length > 0 ? { ...g, permissions: g.permissions.filter((_, k) => k !== i % g.permissions.length) } : null),
  (g) => (g.hasRole ? { ...g, hasRole: false } : null),
  (g, i) => (g.flags.length > 0 ? { ...g, flags: g.flags.filter((_, k) => k !== i % g.flags.length) } : null),
  (g, i) => (g.positive.length > 0 ? { ...g, positive: g.positive.filter((_, k) => k !== i % g.positive.length) } : null),
  (g, i) => ({ ...g, negative: [...g.negative, CONTENT_ENTRIES[i % CONTENT_ENTRIES.length] as ItemTypePermission] }),
  // Root nodes narrow by adding the first one or dropping one of several; dropping the last one
  // means "the whole project" by definition.
  (g, i) =>
    g.roots.length === 0
      ? { ...g, roots: [ROOTS[i % ROOTS.length] as string] }
      : g.roots.length > 1
        ? { ...g, roots: g.roots.filter((_, k) => k !== i % g.roots.length) }
        : null,
];

describe('decide, properties', () => {
  it('agrees with the layer model: ok exactly when every layer allows, else the first failing layer', () => {
    const seen = new Map<string, number>();
    fc.assert(
      fc.property(grantsArb, requestArb, (g, r) => {
        const decision = run(g, r);
        const outcome = decision.ok ? 'ok' : decision.details.layer;
        seen.set(outcome, (seen.get(outcome) ?? 0) + 1);
        expect(outcome).toBe(layers(g, r).find(([, ok]) => !ok)?.[0] ?? 'ok');
      }),
      { numRuns: 2000 },
    );
    // The generators are biased towards passing layers so that every outcome is exercised.
    expect([...seen.keys()].sort()).toEqual(['network', 'ok', 'origin', 'permissions', 'rate_limit', 'role', 'scope', 'state', 'surface']);
  });

  it('is monotone: narrowing any single grant never turns a denial into an allow', () => {
    fc.assert(
      fc.property(grantsArb, requestArb, fc.nat({ max: narrowings.length - 1 }), fc.nat(), (g, r, which, i) => {
        const narrowed = narrowings[which]!(g, i);
        fc.pre(narrowed !== null);
        if (!run(g, r).ok) expect(run(narrowed!, r).ok).toBe(false);
      }),
      { numRuns: 1000 },
    );
  });

  it('over every restriction of the list: refuses with the first that refuses alone, and no restriction widens access', () => {
    const refusedBy = new Set<string>();
    fc.assert(
      fc.property(grantsArb, requestArb, (g, r) => {
        const limiter: RateLimiter = () => ({ allowed: r.rateAllowed, limit: 10, remaining: r.rateAllowed ? 1 : 0, resetSeconds: 1, tat: NOW });
        const request: AccessRequest = {
          rule: r.rule,
          includeDrafts: r.includeDrafts,
          clientIp: r.clientIp,
          origin: r.origin,
          now: NOW,
          ...(r.target ? { target: r.target as ItemTarget } : {}),
        };
        const subject = toPrincipal(g);
        const decision = decide({ kind: 'found', principal: subject }, request, limiter);
        const refusing = RESTRICTIONS.filter((restriction) => {
          const outcome = restriction.admit(subject, request, limiter);
          return outcome !== null && 'ok' in outcome;
        });
        for (const restriction of refusing) refusedBy.add(restriction.name);
        // A restriction the principal compiled as inert (left out of its checks) admits everything.
        for (const restriction of RESTRICTIONS.filter((x) => !subject.checks.includes(x))) {
          expect(restriction.admit(subject, request, limiter), restriction.name).toBeNull();
        }
        expect(decision.ok ? null : decision.details.layer).toBe(refusing[0]?.layer ?? null);
        for (const left of RESTRICTIONS) {
          const without = decide(
            { kind: 'found', principal: subject },
            request,
            limiter,
            RESTRICTIONS.filter((x) => x !== left),
          );
          if (decision.ok) expect(without.ok, left.name).toBe(true);
        }
      }),
      { numRuns: 1000 },
    );
    // Every restriction of the list refused some request: none is left untested.
    expect([...refusedBy].sort()).toEqual(RESTRICTIONS.map((restriction) => restriction.name).sort());
  });
});
