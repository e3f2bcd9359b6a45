/**
 * The shared security suite: every protected route and GraphQL field runs the same denial cases
 * of the access decision (SPEC §4), with the status, code and `details.layer`/`reason` each must
 * produce. A case says what its endpoint needs (permission string, role flag or content action)
 * and how to send it; the suite builds the tokens, roles and records that must be refused.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import { ALL_PERMISSIONS, type Permission } from '../../src/core/permissions.ts';
import type { Harness } from './harness.ts';
import { asAdmin, createItem, createItemType, createRole, createToken, createUser } from '../content/fixtures.ts';

export interface Auth {
  /** The raw Authorization header; omitted → no header. */
  readonly authorization?: string;
  readonly drafts?: boolean;
}

export interface World {
  readonly h: Harness;
  readonly noteType: string;
  readonly pageType: string;
  /** A published website (page) the records live under, and a second one elsewhere. */
  readonly home: string;
  readonly elsewhere: string;
  /** A fresh published note under `home`, created by `creator` (default: the full-access token). */
  note(creator?: string): Promise<string>;
}

export interface SecurityCase {
  readonly name: string;
  readonly surface: 'cma' | 'cda';
  readonly permission: Permission;
  readonly roleFlag?: string;
  /** The role content action the route needs on the record; absent for schema routes. */
  readonly content?: 'read' | 'create' | 'update' | 'delete' | 'publish';
  /** `single`: one record (denied with an error); `list`: records left out silently; `none`: no record. */
  readonly shape: 'single' | 'list' | 'none';
  /** The record is new (create): `on_creator` cannot exclude it. */
  readonly createsRecord?: boolean;
  /** GraphQL: role and scope denials of a single record come back as 200 with `errors[]`. */
  readonly graphql?: boolean;
  send(world: World, auth: Auth, target: string): Promise<LightMyRequestResponse>;
  /** For lists: the record ids and the count the response shows. */
  observe?(res: LightMyRequestResponse): { ids: string[]; count: number | null };
}

const bearer = (secret: string): Auth => ({ authorization: `Bearer ${secret}` });
const envelope = (res: LightMyRequestResponse) => (res.json() as { data: { attributes: { code: string; details: Record<string, unknown> } }[] }).data[0]!.attributes;

function expectRefused(res: LightMyRequestResponse, status: number, code: string, details: Record<string, unknown>): void {
  expect(res.statusCode, res.body).toBe(status);
  expect(envelope(res)).toMatchObject({ code, details });
}

/** A record-level denial: an error for a single record, silence for a list. */
function expectRecordDenied(c: SecurityCase, res: LightMyRequestResponse, target: string, layer: string): void {
  if (c.shape === 'list') {
    expect(res.statusCode, res.body).toBe(200);
    const seen = c.observe!(res);
    expect(seen.ids).not.toContain(target);
    if (seen.count !== null) expect(seen.count).toBe(seen.ids.length);
    return;
  }
  if (c.graphql) {
    expect(res.statusCode, res.body).toBe(200);
    const error = (res.json() as { errors?: { extensions: { code: string; details: { layer: string } } }[] }).errors?.[0];
    expect(error?.extensions).toMatchObject({ code: 'INSUFFICIENT_PERMISSIONS', details: { layer } });
    return;
  }
  expectRefused(res, 403, 'INSUFFICIENT_PERMISSIONS', { layer });
}

function expectAllowed(c: SecurityCase, res: LightMyRequestResponse, target: string): void {
  expect(res.statusCode, res.body).toBeLessThan(300);
  if (c.shape === 'list') expect(c.observe!(res).ids).toContain(target);
  if (c.graphql) expect((res.json() as { errors?: unknown }).errors).toBeUndefined();
}

export async function createWorld(h: Harness): Promise<World> {
  const pageType = await createItemType(h, 'page', [{ api_key: 'title', field_type: 'string' }], { tree: true });
  const noteType = await createItemType(h, 'note', [{ api_key: 'title', field_type: 'string' }]);
  const home = await createItem(h, pageType, { title: 'home' }, { publish: true });
  const elsewhere = await createItem(h, pageType, { title: 'elsewhere' }, { publish: true });
  return {
    h,
    pageType,
    noteType,
    home,
    elsewhere,
    note: (creator) => createItem(h, noteType, { title: 'note' }, { parentId: home, publish: true, ...(creator ? { token: creator } : {}) }),
  };
}

export function securitySuite(title: string, start: () => Promise<Harness>, cases: readonly SecurityCase[]): void {
  describe(title, () => {
    let w: World;
    const tokens: Record<string, string> = {};
    beforeAll(async () => {
      const h = await start();
      w = await createWorld(h);
      const make = async (name: string, spec: Parameters<typeof createToken>[1]) => (tokens[name] = (await createToken(h, spec)).secret);
      await make('cmaOnly', { cma: true });
      await make('cdaOnly', { cda: true });
      await make('full', { cma: true, cda: true, preview: true });
      const disabled = await createToken(h, { cma: true, cda: true, preview: true });
      await asAdmin(h, 'PUT', `/access_tokens/${disabled.id}`, { data: { type: 'access_token', attributes: { enabled: false } } });
      tokens.disabled = disabled.secret;
      const expired = await createToken(h, { cma: true, cda: true, preview: true });
      const past = new Date(h.clock.now() + 1000).toISOString();
      await asAdmin(h, 'PUT', `/access_tokens/${expired.id}`, { data: { type: 'access_token', attributes: { expires_at: past } } });
      tokens.expired = expired.secret;
      const rotated = await createToken(h, { cma: true, cda: true, preview: true });
      await asAdmin(h, 'POST', `/access_tokens/${rotated.id}/regenerate_token`);
      tokens.rotated = rotated.secret;
      h.clock.advance(2000);
    });

    for (const c of cases) {
      describe(c.name, () => {
        const surfaces = c.surface === 'cma' ? { cma: true } : { cda: true, preview: true };
        // Reading the websites themselves, so that records reached through them (children) can be seen.
        const readPages = () => ({ item_type: w.pageType, action: 'read' });
        const roleToken = async (attributes: Record<string, unknown>, inherits: string[] = []) =>
          (await createToken(w.h, { ...surfaces, role: await createRole(w.h, attributes, inherits) })).secret;

        it('succeeds with a sufficient token (positive control)', async () => {
          const target = await w.note();
          expectAllowed(c, await c.send(w, bearer(tokens.full!), target), target);
        });

        it.each([
          ['no Authorization header', {}, 'authorization', 'missing'],
          ['a non-Bearer scheme', { authorization: 'Basic dXNlcjpwYXNz' }, 'authorization', 'malformed'],
          ['a secret with a bad checksum', { authorization: 'Bearer lk_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa000000' }, 'authorization', 'malformed'],
          ['an unknown secret', { authorization: 'Bearer unknown-secret-of-enough-length' }, 'token', 'unknown'],
        ] as const)('refuses %s with 401', async (_label, auth, layer, reason) => {
          const res = await c.send(w, auth, await w.note());
          expectRefused(res, 401, 'INVALID_AUTHORIZATION_HEADER', { layer, reason });
          expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
        });

        it.each([
          ['rotated', 'token', 'unknown'],
          ['disabled', 'state', 'disabled'],
          ['expired', 'state', 'expired'],
        ] as const)('refuses the secret of a %s token with 401', async (name, layer, reason) => {
          expectRefused(await c.send(w, bearer(tokens[name]!), await w.note()), 401, 'INVALID_AUTHORIZATION_HEADER', { layer, reason });
        });

        it('refuses a token without the surface flag with 401', async () => {
          const other = c.surface === 'cma' ? tokens.cdaOnly! : tokens.cmaOnly!;
          const reason = c.surface === 'cma' ? 'can_access_cma' : 'can_access_cda';
          expectRefused(await c.send(w, bearer(other), await w.note()), 401, 'INVALID_AUTHORIZATION_HEADER', { layer: 'surface', reason });
        });

        if (c.surface === 'cda') {
          it('refuses drafts to a token without the preview flag with 401', async () => {
            const res = await c.send(w, { ...bearer(tokens.cdaOnly!), drafts: true }, await w.note());
            expectRefused(res, 401, 'INVALID_AUTHORIZATION_HEADER', { layer: 'surface', reason: 'can_access_cda_preview' });
          });
          it('refuses drafts to a token without content:preview with 403', async () => {
            const secret = (await createToken(w.h, { cda: true, preview: true, permissions: ['content:read'] })).secret;
            const res = await c.send(w, { ...bearer(secret), drafts: true }, await w.note());
            expectRefused(res, 403, 'INSUFFICIENT_PERMISSIONS', { layer: 'permissions', permission: 'content:preview' });
          });
        }

        it(`refuses a token whose permission strings lack ${c.permission} with 403`, async () => {
          const permissions = ALL_PERMISSIONS.filter((p) => p !== c.permission);
          const secret = (await createToken(w.h, { ...surfaces, permissions })).secret;
          expectRefused(await c.send(w, bearer(secret), await w.note()), 403, 'INSUFFICIENT_PERMISSIONS', { layer: 'permissions', permission: c.permission });
        });

        if (c.roleFlag) {
          it(`refuses a role without ${c.roleFlag} with 403`, async () => {
            const secret = await roleToken({ positive_item_type_permissions: [{ item_type: null, action: 'all' }] });
            expectRefused(await c.send(w, bearer(secret), await w.note()), 403, 'INSUFFICIENT_PERMISSIONS', { layer: 'role', flag: c.roleFlag });
          });
        }

        if (c.content) {
          const action = c.content;
          const otherAction = action === 'read' ? 'create' : 'read';
          it('refuses a role whose entries name another model or another action', async () => {
            const secret = await roleToken({
              positive_item_type_permissions: [
                { item_type: w.pageType, action: 'all' },
                { item_type: w.noteType, action: otherAction },
              ],
            });
            const target = await w.note();
            expectRecordDenied(c, await c.send(w, bearer(secret), target), target, 'role');
          });

          it('refuses a role whose negative entry removes the action', async () => {
            const secret = await roleToken({
              positive_item_type_permissions: [{ item_type: null, action: 'all' }],
              negative_item_type_permissions: [{ item_type: w.noteType, action }],
            });
            const target = await w.note();
            expectRecordDenied(c, await c.send(w, bearer(secret), target), target, 'role');
          });

          it('follows inheritance: a denial on a parent role travels, a grant on it counts', async () => {
            const deniedParent = await createRole(w.h, {
              positive_item_type_permissions: [{ item_type: null, action: 'all' }],
              negative_item_type_permissions: [{ item_type: w.noteType, action }],
            });
            const target = await w.note();
            expectRecordDenied(c, await c.send(w, bearer(await roleToken({}, [deniedParent])), target), target, 'role');
            const grantingParent = await createRole(w.h, { positive_item_type_permissions: [{ item_type: w.noteType, action }, readPages()] });
            const allowed = await roleToken({}, [grantingParent]);
            const fresh = await w.note();
            expectAllowed(c, await c.send(w, bearer(allowed), fresh), fresh);
          });

          if (!c.createsRecord) {
            it('applies on_creator: self (others’ records refused, its own allowed)', async () => {
              const role = await createRole(w.h, { positive_item_type_permissions: [{ item_type: null, action: 'all', on_creator: 'self' }, readPages()] });
              const userId = await createUser(w.h, role);
              const author = (await createToken(w.h, { cma: true, user: userId })).secret;
              const reader = (await createToken(w.h, { ...surfaces, user: userId })).secret;
              const others = await w.note();
              expectRecordDenied(c, await c.send(w, bearer(reader), others), others, 'role');
              const own = await w.note(author);
              expectAllowed(c, await c.send(w, bearer(reader), own), own);
            });
          }

          it('refuses a record outside the token’s root nodes (scope)', async () => {
            const outside = (await createToken(w.h, { ...surfaces, rootNodes: [w.elsewhere] })).secret;
            const target = await w.note();
            expectRecordDenied(c, await c.send(w, bearer(outside), target), target, 'scope');
            const inside = (await createToken(w.h, { ...surfaces, rootNodes: [w.home] })).secret;
            const fresh = await w.note();
            expectAllowed(c, await c.send(w, bearer(inside), fresh), fresh);
          });
        }
      });
    }
  });
}
