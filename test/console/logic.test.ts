/** The console's UI logic, without a browser: status, expiry presets, the permission picker, error mapping. */
import { describe, expect, it } from 'vitest';
import { tokenStatus } from '../../console/src/logic/status.ts';
import { expiresAtFor, graceSeconds } from '../../console/src/logic/expiry.ts';
import { addString, ALL_PERMISSIONS, CATALOG, expand, mayGrant, normalise, togglePermission } from '../../console/src/logic/permissions.ts';
import { PERMISSION_CATALOG } from '../../src/core/permissions.ts';
import { fieldMessages, fieldOfExcess, parseErrorBody } from '../../console/src/logic/errors.ts';
import { capabilities } from '../../console/src/logic/access.ts';
import { matches } from '../../console/src/logic/filter.ts';
import { buildTokenDocument, type TokenFormValues } from '../../console/src/logic/token-form.ts';

const NOW = Date.parse('2026-11-18T10:00:00Z');
const DAY = 86_400_000;
const at = (ms: number) => new Date(ms).toISOString();

describe('tokenStatus', () => {
  it.each([
    ['disabled wins over everything', { enabled: false, expires_at: at(NOW - DAY) }, 'disabled'],
    ['no expiry', { enabled: true, expires_at: null }, 'enabled'],
    ['expired a moment ago', { enabled: true, expires_at: at(NOW - 1) }, 'expired'],
    ['expiring at this very instant', { enabled: true, expires_at: at(NOW) }, 'expired'],
    ['expiring within the week', { enabled: true, expires_at: at(NOW + 6 * DAY) }, 'expiring soon'],
    ['exactly a week left', { enabled: true, expires_at: at(NOW + 7 * DAY) }, 'expiring soon'],
    ['more than a week left', { enabled: true, expires_at: at(NOW + 8 * DAY) }, 'enabled'],
  ] as const)('%s', (_name, token, status) => {
    expect(tokenStatus(token, NOW)).toBe(status);
  });
});

describe('expiry presets', () => {
  it('turns day presets into an instant that many days ahead', () => {
    expect(expiresAtFor('7', '', NOW)).toEqual({ ok: true, expiresAt: at(NOW + 7 * DAY) });
    expect(expiresAtFor('30', '', NOW)).toEqual({ ok: true, expiresAt: at(NOW + 30 * DAY) });
    expect(expiresAtFor('90', '', NOW)).toEqual({ ok: true, expiresAt: at(NOW + 90 * DAY) });
    expect(expiresAtFor('never', '', NOW)).toEqual({ ok: true, expiresAt: null });
  });

  it('takes a custom date as the end of that day in UTC and refuses past or missing dates', () => {
    expect(expiresAtFor('custom', '2027-01-03', NOW)).toEqual({ ok: true, expiresAt: '2027-01-03T23:59:59.000Z' });
    expect(expiresAtFor('custom', '2026-11-17', NOW).ok).toBe(false);
    expect(expiresAtFor('custom', '', NOW).ok).toBe(false);
    expect(expiresAtFor('custom', '2027-02-31x', NOW).ok).toBe(false);
  });

  it('maps grace choices to seconds and refuses a malformed custom value', () => {
    expect(graceSeconds('0', '')).toBe(0);
    expect(graceSeconds('900', '')).toBe(900);
    expect(graceSeconds('86400', '')).toBe(86_400);
    expect(graceSeconds('custom', '45')).toBe(2_700);
    expect(graceSeconds('custom', '-1')).toBeNull();
    expect(graceSeconds('custom', 'ten')).toBeNull();
  });
});

describe('the permission picker', () => {
  it('offers exactly the catalogue the server enforces (the console keeps its own copy, sharing no code)', () => {
    expect(CATALOG).toEqual(PERMISSION_CATALOG);
  });

  it('expands wildcards against the catalogue', () => {
    expect(expand('*')).toHaveLength(ALL_PERMISSIONS.length);
    expect(expand('*:*')).toHaveLength(ALL_PERMISSIONS.length);
    expect(expand('schema:*')).toEqual(['schema:read', 'schema:write']);
    expect(expand('*:write')).toContain('api-keys:write');
    expect(expand('*:write')).not.toContain('audit:read');
    for (const bad of ['content:fly', 'blog:*', 'content', '*:', '']) expect(expand(bad), bad).toEqual([]);
  });

  it('collapses a whole resource to its wildcard and everything to *', () => {
    expect(togglePermission(['schema:read'], 'schema:write')).toEqual(['schema:*']);
    expect(normalise(ALL_PERMISSIONS)).toEqual(['*']);
    expect(normalise(['content:read', '*:read'])).toEqual(['*:read']);
  });

  it('unticking one action under a wildcard keeps the others', () => {
    const after = togglePermission(['content:*'], 'content:delete');
    expect(new Set(after.flatMap(expand))).toEqual(new Set(['content:read', 'content:preview', 'content:create', 'content:update', 'content:publish']));
    expect(togglePermission(['*'], 'site:write').flatMap(expand)).not.toContain('site:write');
    expect(togglePermission(['content:read'], 'content:read')).toEqual([]);
  });

  it('adds typed strings only when they cover something', () => {
    expect(addString(['content:read'], ' *:read ')).toEqual({ ok: true, value: ['*:read'] });
    expect(addString([], 'content:fly').ok).toBe(false);
  });

  it('offers only what the signed-in token holds', () => {
    expect(mayGrant(['api-keys:*', 'content:read'], 'api-keys:write')).toBe(true);
    expect(mayGrant(['api-keys:*', 'content:read'], 'users:write')).toBe(false);
    expect(mayGrant(['*'], 'users:write')).toBe(true);
  });
});

describe('server refusals next to their field', () => {
  const envelope = (code: string, details: Record<string, unknown>) => ({ data: [{ id: 'x', type: 'api_error', attributes: { code, details } }] });

  it.each([
    ['permissions:users:write', 'permissions'],
    ['surface:can_access_cma', 'can_access_cma'],
    ['surface:can_access_cda_preview', 'can_access_cda_preview'],
    ['role:can_edit_site', 'role'],
    ['content:delete@12', 'role'],
    ['user', 'role'],
    ['expires_at', 'expires_at'],
    ['root_nodes', 'root_nodes'],
    ['ip_allowlist', 'ip_allowlist'],
    ['something new', 'form'],
  ] as const)('%s goes to %s', (excess, field) => {
    expect(fieldOfExcess(excess)).toBe(field);
  });

  it('groups an escalation refusal by field and names the layer', () => {
    const error = parseErrorBody(
      403,
      envelope('INSUFFICIENT_PERMISSIONS', { layer: 'escalation', excess: ['permissions:users:write', 'permissions:site:write', 'expires_at'] }),
    );
    const messages = fieldMessages(error);
    expect(messages.map((m) => m.field)).toEqual(['permissions', 'expires_at']);
    expect(messages[0]?.message).toMatch(/users:write, the permission site:write.*layer: escalation/);
    expect(messages.every((m) => m.layer === 'escalation')).toBe(true);
  });

  it('places field errors and pointers, and keeps what names no field on the form', () => {
    expect(fieldMessages(parseErrorBody(422, envelope('INVALID_FIELD', { field: 'permissions', unknown: ['content:fly'] })))[0]).toMatchObject({
      field: 'permissions',
    });
    expect(fieldMessages(parseErrorBody(422, envelope('INVALID_FORMAT', { pointer: '/data/attributes/name', message: 'Too long' })))[0]).toMatchObject({
      field: 'name',
      message: 'Too long',
    });
    expect(fieldMessages(parseErrorBody(422, envelope('INVALID_FORMAT', { pointer: '/data/attributes/ip_allowlist/0' })))[0]?.field).toBe('ip_allowlist');
    expect(fieldMessages(parseErrorBody(500, 'not json'))[0]).toMatchObject({ field: 'form' });
    expect(parseErrorBody(502, null).code).toBe('HTTP_502');
  });
});

describe('what the signed-in token may do', () => {
  it('derives availability and the reason from users/me', () => {
    const can = capabilities({ allowed: ['access_tokens.list'], denied: { 'users.list': { layer: 'permissions', reason: 'missing_permission' } } });
    expect(can.may('access_tokens.list')).toBe(true);
    expect(can.why('access_tokens.list')).toBeNull();
    expect(can.may('users.list')).toBe(false);
    expect(can.why('users.list')).toBe('Your token may not do this (permissions: missing permission)');
  });
});

describe('the token table filter and the token document', () => {
  it('filters by name, status and role', () => {
    const token = { name: 'Website front end', enabled: true, expires_at: null, roleId: '1' };
    expect(matches(token, { search: 'FRONT', status: '', roleId: '' }, NOW)).toBe(true);
    expect(matches(token, { search: 'ci', status: '', roleId: '' }, NOW)).toBe(false);
    expect(matches(token, { search: '', status: 'disabled', roleId: '' }, NOW)).toBe(false);
    expect(matches(token, { search: '', status: 'enabled', roleId: '2' }, NOW)).toBe(false);
  });

  const values: TokenFormValues = {
    name: ' CI ',
    basis: 'role',
    roleId: '1',
    userId: '',
    cda: false,
    cdaPreview: false,
    cma: true,
    permissions: ['content:*'],
    rootNodes: ['7'],
    expiry: 'never',
    customDate: '',
    ipAllowlist: '10.0.0.0/8\n 192.0.2.1 ',
    cmaLimit: '120',
    cmaPeriod: '3',
    cdaLimit: '',
    cdaPeriod: '',
  };

  it('builds the JSON:API document the API expects', () => {
    const built = buildTokenDocument(values, NOW);
    expect(built).toEqual({
      ok: true,
      document: {
        data: {
          type: 'access_token',
          attributes: {
            name: 'CI',
            can_access_cda: false,
            can_access_cda_preview: false,
            can_access_cma: true,
            permissions: ['content:*'],
            expires_at: null,
            ip_allowlist: ['10.0.0.0/8', '192.0.2.1'],
            rate_limit: { cma: { limit: 120, period_seconds: 3 } },
          },
          relationships: { role: { data: { type: 'role', id: '1' } }, root_nodes: { data: [{ type: 'item', id: '7' }] } },
        },
      },
    });
  });

  it('refuses locally what cannot be sent, naming the field', () => {
    expect(buildTokenDocument({ ...values, name: ' ' }, NOW)).toMatchObject({ ok: false, field: 'name' });
    expect(buildTokenDocument({ ...values, roleId: '' }, NOW)).toMatchObject({ ok: false, field: 'role' });
    expect(buildTokenDocument({ ...values, cmaPeriod: '' }, NOW)).toMatchObject({ ok: false, field: 'rate_limit' });
    expect(buildTokenDocument({ ...values, expiry: 'custom', customDate: '2020-01-01' }, NOW)).toMatchObject({ ok: false, field: 'expires_at' });
    const kept = buildTokenDocument({ ...values, expiry: 'keep' }, NOW, '9');
    expect(kept.ok && JSON.stringify(kept.document)).not.toContain('expires_at');
  });
});
