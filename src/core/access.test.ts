import { describe, expect, it } from 'vitest';
import { decide, type AccessRequest, type Credential, type ItemTarget, type Layer, type RateLimiter } from './access.ts';
import { ENDPOINTS, type EndpointRule } from './endpoints.ts';
import type { RateOutcome } from './rate-limit.ts';
import { adminRoleAttributes, type RoleAttributes } from './roles.ts';
import type { AccessToken, Principal, User } from './model.ts';
import { entry, principal, roleAttributes, user } from '../../test/support/principals.ts';

const NOW = Date.parse('2026-11-18T10:00:00Z');
const CDA_READ: EndpointRule = { surface: 'cda', permission: 'content:read', description: 'POST /graphql' };
const ITEM_UPDATE: EndpointRule = { surface: 'cma', permission: 'content:update', content: 'update', description: 'PUT /items/:id' };
const article: ItemTarget = { itemTypeId: 'article', createdBySelf: false, createdBySameRole: false, pathIds: ['root-a', 'item-1'] };

const allow: RateOutcome = { allowed: true, limit: 60, remaining: 59, resetSeconds: 1, tat: NOW + 50 };
const exhausted: RateOutcome = { allowed: false, limit: 60, remaining: 0, resetSeconds: 2, tat: NOW + 3000 };
const limiter =
  (outcome: RateOutcome | null): RateLimiter =>
  () =>
    outcome;

interface Case {
  readonly name: string;
  readonly credential?: Credential;
  readonly token?: Partial<AccessToken>;
  readonly attributes?: RoleAttributes | null;
  readonly user?: User | null;
  readonly request?: Partial<AccessRequest>;
  readonly rate?: RateOutcome | null;
  readonly expect: 'ok' | { status: number; code: string; layer: Layer; reason: string; extra?: Record<string, unknown> };
}

const unauthorized = (layer: Layer, reason: string) => ({ status: 401, code: 'INVALID_AUTHORIZATION_HEADER', layer, reason });
const forbidden = (layer: Layer, reason: string, extra?: Record<string, unknown>) => ({
  status: 403,
  code: 'INSUFFICIENT_PERMISSIONS',
  layer,
  reason,
  ...(extra ? { extra } : {}),
});

const editorRole = roleAttributes({
  positive_item_type_permissions: [entry('article', 'update', 'self')],
});

const cases: Case[] = [
  // 1–2: the header and the secret.
  { name: 'no Authorization header', credential: { kind: 'missing' }, expect: unauthorized('authorization', 'missing') },
  { name: 'a malformed header', credential: { kind: 'malformed' }, expect: unauthorized('authorization', 'malformed') },
  { name: 'an unknown secret', credential: { kind: 'unknown' }, expect: unauthorized('token', 'unknown') },
  // 3: token state.
  { name: 'a disabled token', token: { enabled: false }, expect: unauthorized('state', 'disabled') },
  { name: 'an expired token', token: { expiresAt: '2026-11-18T09:59:59.999Z' }, expect: unauthorized('state', 'expired') },
  { name: 'a token expiring this very millisecond', token: { expiresAt: '2026-11-18T10:00:00.000Z' }, expect: unauthorized('state', 'expired') },
  { name: 'a token expiring later', token: { expiresAt: '2026-11-18T10:00:00.001Z' }, expect: 'ok' },
  { name: 'a user-based token whose user is gone', token: { roleId: null, userId: '5' }, user: null, expect: unauthorized('state', 'no_user') },
  {
    name: 'a user-based token whose user is inactive',
    token: { roleId: null, userId: '5' },
    user: user({ isActive: false }),
    expect: unauthorized('state', 'no_user'),
  },
  { name: 'a user-based token whose user is active', token: { roleId: null, userId: '5' }, user: user(), expect: 'ok' },
  // 4: surfaces.
  { name: 'CMA without can_access_cma', token: { canAccessCma: false }, expect: unauthorized('surface', 'can_access_cma') },
  {
    name: 'CDA without either CDA flag',
    token: { canAccessCda: false, canAccessCdaPreview: false },
    request: { rule: CDA_READ },
    expect: unauthorized('surface', 'can_access_cda'),
  },
  { name: 'CDA with only the preview flag', token: { canAccessCda: false }, request: { rule: CDA_READ }, expect: 'ok' },
  {
    name: 'CDA drafts without can_access_cda_preview',
    token: { canAccessCdaPreview: false },
    request: { rule: CDA_READ, includeDrafts: true },
    expect: unauthorized('surface', 'can_access_cda_preview'),
  },
  { name: 'CDA drafts with the preview flag', token: { canAccessCda: false }, request: { rule: CDA_READ, includeDrafts: true }, expect: 'ok' },
  { name: 'a CDA-only token on the CDA', token: { canAccessCma: false, canAccessCdaPreview: false }, request: { rule: CDA_READ }, expect: 'ok' },
  // 5: network, then rate limit.
  {
    name: 'a client outside the allowlist',
    token: { ipAllowlist: ['10.0.0.0/8'] },
    request: { clientIp: '192.0.2.1' },
    expect: forbidden('network', 'ip_not_allowed', { ip: '192.0.2.1' }),
  },
  {
    name: 'an unknown client address with an allowlist',
    token: { ipAllowlist: ['10.0.0.0/8'] },
    request: { clientIp: null },
    expect: forbidden('network', 'ip_not_allowed'),
  },
  { name: 'an empty allowlist admits nobody', token: { ipAllowlist: [] }, expect: forbidden('network', 'ip_not_allowed') },
  { name: 'a client inside the allowlist', token: { ipAllowlist: ['10.0.0.0/8'] }, request: { clientIp: '10.20.30.40' }, expect: 'ok' },
  {
    name: 'an exhausted rate limit',
    rate: exhausted,
    expect: { status: 429, code: 'RATE_LIMIT_EXCEEDED', layer: 'rate_limit', reason: 'exceeded', extra: { retry_after: 2 } },
  },
  // 6: permission strings.
  {
    name: 'a permission string that does not cover the endpoint',
    token: { permissions: ['api-keys:read'] },
    request: { rule: ENDPOINTS['access_tokens.create'] },
    expect: forbidden('permissions', 'missing_permission', { permission: 'api-keys:write' }),
  },
  { name: 'no permission strings at all', token: { permissions: [] }, expect: forbidden('permissions', 'missing_permission') },
  { name: 'a wildcard resource', token: { permissions: ['api-keys:*'] }, request: { rule: ENDPOINTS['access_tokens.create'] }, expect: 'ok' },
  { name: 'a wildcard action', token: { permissions: ['*:read'] }, request: { rule: ENDPOINTS['roles.list'] }, expect: 'ok' },
  { name: 'an endpoint that needs no permission string', token: { permissions: [] }, request: { rule: ENDPOINTS['users.me'] }, expect: 'ok' },
  {
    name: 'CDA drafts need content:preview',
    token: { permissions: ['content:read'] },
    request: { rule: CDA_READ, includeDrafts: true },
    expect: forbidden('permissions', 'missing_permission', { permission: 'content:preview' }),
  },
  {
    name: 'CDA published content needs content:read',
    token: { permissions: ['content:preview'] },
    request: { rule: CDA_READ },
    expect: forbidden('permissions', 'missing_permission', { permission: 'content:read' }),
  },
  // 7: the role.
  { name: 'no role at all', attributes: null, expect: forbidden('role', 'no_role') },
  {
    name: 'a role without the endpoint’s flag',
    attributes: roleAttributes(),
    request: { rule: ENDPOINTS['access_tokens.create'] },
    expect: forbidden('role', 'missing_role_flag', { flag: 'can_manage_access_tokens' }),
  },
  {
    name: 'a role with the endpoint’s flag',
    attributes: roleAttributes({ can_manage_access_tokens: true }),
    request: { rule: ENDPOINTS['access_tokens.create'] },
    expect: 'ok',
  },
  {
    name: 'a role without the content permission for the record',
    attributes: editorRole,
    request: { rule: ITEM_UPDATE, target: article },
    expect: forbidden('role', 'missing_content_permission', { action: 'update', item_type: 'article' }),
  },
  {
    name: 'a role with the content permission for the record',
    attributes: editorRole,
    request: { rule: ITEM_UPDATE, target: { ...article, createdBySelf: true } },
    expect: 'ok',
  },
  // 8: root-node scope.
  {
    name: 'a record outside every root node',
    token: { rootNodeIds: ['root-b'] },
    request: { rule: ITEM_UPDATE, target: article },
    expect: forbidden('scope', 'outside_root_nodes'),
  },
  { name: 'a record below a root node', token: { rootNodeIds: ['root-b', 'root-a'] }, request: { rule: ITEM_UPDATE, target: article }, expect: 'ok' },
  { name: 'the root node itself', token: { rootNodeIds: ['item-1'] }, request: { rule: ITEM_UPDATE, target: article }, expect: 'ok' },
  { name: 'no root nodes means the whole project', token: { rootNodeIds: [] }, request: { rule: ITEM_UPDATE, target: article }, expect: 'ok' },
  // First failure wins.
  { name: 'missing header beats everything', credential: { kind: 'missing' }, rate: exhausted, expect: unauthorized('authorization', 'missing') },
  {
    name: 'disabled beats expired and surface',
    token: { enabled: false, expiresAt: '2020-01-01T00:00:00Z', canAccessCma: false },
    expect: unauthorized('state', 'disabled'),
  },
  {
    name: 'expired beats a missing user',
    token: { expiresAt: '2020-01-01T00:00:00Z', roleId: null, userId: '5' },
    user: null,
    expect: unauthorized('state', 'expired'),
  },
  { name: 'state beats surface', token: { roleId: null, userId: '5', canAccessCma: false }, user: null, expect: unauthorized('state', 'no_user') },
  { name: 'surface beats network', token: { canAccessCma: false, ipAllowlist: [] }, expect: unauthorized('surface', 'can_access_cma') },
  { name: 'network beats the rate limit', token: { ipAllowlist: [] }, rate: exhausted, expect: forbidden('network', 'ip_not_allowed') },
  {
    name: 'the rate limit beats permission strings',
    token: { permissions: [] },
    rate: exhausted,
    expect: { status: 429, code: 'RATE_LIMIT_EXCEEDED', layer: 'rate_limit', reason: 'exceeded' },
  },
  { name: 'permission strings beat the role', token: { permissions: [] }, attributes: null, expect: forbidden('permissions', 'missing_permission') },
  {
    name: 'the role flag beats content',
    attributes: roleAttributes(),
    request: { rule: { ...ITEM_UPDATE, roleFlag: 'can_edit_schema' }, target: article },
    expect: forbidden('role', 'missing_role_flag'),
  },
  {
    name: 'content beats scope',
    attributes: editorRole,
    token: { rootNodeIds: ['elsewhere'] },
    request: { rule: ITEM_UPDATE, target: article },
    expect: forbidden('role', 'missing_content_permission'),
  },
  { name: 'an unrestricted admin token', expect: 'ok' },
];

function run(c: Case) {
  const credential: Credential = c.credential ?? {
    kind: 'found',
    principal: principal(c.token, { attributes: c.attributes === undefined ? adminRoleAttributes() : c.attributes, user: c.user ?? null }),
  };
  const request: AccessRequest = { rule: ENDPOINTS['access_tokens.list'], includeDrafts: false, clientIp: '10.20.30.40', now: NOW, ...c.request };
  return decide(credential, request, limiter(c.rate === undefined ? allow : c.rate));
}

describe('decide', () => {
  it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const decision = run(c);
    if (c.expect === 'ok') {
      expect(decision.ok, JSON.stringify(decision)).toBe(true);
      return;
    }
    expect(decision.ok).toBe(false);
    if (decision.ok) return;
    expect({ status: decision.status, code: decision.code, layer: decision.details.layer, reason: decision.details.reason }).toEqual({
      status: c.expect.status,
      code: c.expect.code,
      layer: c.expect.layer,
      reason: c.expect.reason,
    });
    if (c.expect.extra) expect(decision.details).toMatchObject(c.expect.extra);
  });

  it('returns the principal and the rate outcome when allowed', () => {
    const p = principal();
    const decision = decide({ kind: 'found', principal: p }, { rule: ENDPOINTS['roles.list'], includeDrafts: false, clientIp: null, now: NOW }, limiter(allow));
    expect(decision).toEqual({ ok: true, principal: p, rate: allow });
  });

  it('carries the rate outcome on a 429 and on later denials, so headers can be set', () => {
    const limited = run({ name: '', rate: exhausted, expect: 'ok' });
    expect(!limited.ok && limited.rate).toEqual(exhausted);
    const denied = run({ name: '', token: { permissions: [] }, expect: 'ok' });
    expect(!denied.ok && denied.rate).toEqual(allow);
  });

  it('does not consult the rate limiter for requests that fail layers 1–5a', () => {
    let calls = 0;
    const counting: RateLimiter = () => {
      calls++;
      return allow;
    };
    const request: AccessRequest = { rule: ENDPOINTS['roles.list'], includeDrafts: false, clientIp: null, now: NOW };
    const denied: Principal[] = [principal({ enabled: false }), principal({ canAccessCma: false }), principal({ ipAllowlist: [] })];
    for (const p of denied) decide({ kind: 'found', principal: p }, request, counting);
    decide({ kind: 'unknown' }, request, counting);
    expect(calls).toBe(0);
    decide({ kind: 'found', principal: principal() }, request, counting);
    expect(calls).toBe(1);
  });
});
