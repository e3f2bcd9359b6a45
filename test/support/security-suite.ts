/**
 * The shared security suite: every protected route and GraphQL field runs the same denial cases
 * of the access decision (SPEC §4), with the status, code and `details.layer`/`reason` each must
 * produce. A case says what its endpoint needs (permission string, role flag or content action)
 * and how to send it; the suite builds the tokens, roles and records that must be refused.
 */
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
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
const envelope = (res: LightMyRequestResponse) =>
  (res.json() as { data: { attributes: { code: string; details: Record<string, unknown> } }[] }).data[0]!.attributes;

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
            // A write that answers with the record also needs `read` on it (docs/content.md).
            const grants = [{ item_type: w.noteType, action }, { item_type: w.noteType, action: 'read' }, readPages()];
            const grantingParent = await createRole(w.h, { positive_item_type_permissions: grants });
            const allowed = await roleToken({}, [grantingParent]);
            const fresh = await w.note();
            expectAllowed(c, await c.send(w, bearer(allowed), fresh), fresh);
          });

          if (action !== 'read' && !c.createsRecord) {
            it(`refuses a role that may ${action} the model but not read it, leaking no value and changing nothing`, async () => {
              const secret = await roleToken({
                positive_item_type_permissions: [{ item_type: null, action: 'all' }],
                negative_item_type_permissions: [{ item_type: w.noteType, action: 'read' }],
              });
              const target = await w.note();
              const before = (await asAdmin(w.h, 'GET', `/items/${target}`)).json();
              const res = await c.send(w, bearer(secret), target);
              expectRefused(res, 403, 'INSUFFICIENT_PERMISSIONS', { layer: 'role', action: 'read' });
              expect(res.body).not.toContain('"title"');
              expect((await asAdmin(w.h, 'GET', `/items/${target}`)).json()).toEqual(before);
            });
          }

          if (c.createsRecord) {
            it('lets a write-only role create, answering with only what it sent', async () => {
              const secret = await roleToken({
                positive_item_type_permissions: [{ item_type: null, action: 'all' }],
                negative_item_type_permissions: [{ item_type: w.noteType, action: 'read' }],
              });
              const res = await c.send(w, bearer(secret), w.home);
              expect(res.statusCode, res.body).toBe(201);
              const sent = await asAdmin(w.h, 'GET', `/items/${res.json().data.id}`);
              expect(res.json().data.attributes).toEqual(sent.json().data.attributes);
              const read = await w.h.request('GET', `/items/${res.json().data.id}`, { token: secret });
              expectRefused(read, 403, 'INSUFFICIENT_PERMISSIONS', { layer: 'role', action: 'read' });
            });
          }

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

/**
 * Root-node scope on writes and on the audit log: a token scoped to a section can neither carry a
 * record (its root included) out of its subtrees, nor make it a website, nor pull one in from
 * elsewhere; and the audit log shows it only events about records in its subtrees.
 */
export function scopeSuite(title: string, start: () => Promise<Harness>): void {
  describe(title, () => {
    let w: World;
    let section: string;
    let scoped: string;
    let inElsewhere: string;
    const parentOf = async (id: string) => (await asAdmin(w.h, 'GET', `/items/${id}`)).json().data.attributes.parent_id as string | null;
    const move = (id: string, parentId: string | null, secret = scoped) =>
      w.h.request('PUT', `/items/${id}`, { token: secret, body: { data: { type: 'item', id, attributes: { parent_id: parentId } } } });
    const page = (parentId: string | null, secret = scoped) =>
      w.h.request('POST', '/items', {
        token: secret,
        body: {
          data: {
            type: 'item',
            attributes: { title: 'p', parent_id: parentId },
            relationships: { item_type: { data: { type: 'item_type', id: w.pageType } } },
          },
        },
      });

    beforeAll(async () => {
      w = await createWorld(await start());
      section = await createItem(w.h, w.pageType, { title: 'section' }, { parentId: w.home, publish: true });
      inElsewhere = await createItem(w.h, w.pageType, { title: 'there' }, { parentId: w.elsewhere, publish: true });
      scoped = (await createToken(w.h, { cma: true, rootNodes: [section] })).secret;
    });
    beforeEach(() => w.h.clock.advance(3_000));

    const refusedScope = (res: LightMyRequestResponse, reason: string) => expectRefused(res, 403, 'INSUFFICIENT_PERMISSIONS', { layer: 'scope', reason });

    it('cannot move its root under an item outside its scope, nor to the top level', async () => {
      refusedScope(await move(section, inElsewhere), 'parent_outside_root_nodes');
      refusedScope(await move(section, w.elsewhere), 'parent_outside_root_nodes');
      refusedScope(await move(section, null), 'top_level');
      expect(await parentOf(section)).toBe(w.home);
      const otherSite = (await createToken(w.h, { cma: true, rootNodes: [w.elsewhere] })).secret;
      expect((await w.h.request('GET', `/items/${section}`, { token: otherSite })).statusCode).toBe(403);
    });

    it('cannot move a record inside its scope out of it, nor to the top level', async () => {
      const child = await createItem(w.h, w.pageType, { title: 'child' }, { parentId: section });
      refusedScope(await move(child, inElsewhere), 'parent_outside_root_nodes');
      refusedScope(await move(child, w.home), 'parent_outside_root_nodes');
      refusedScope(await move(child, null), 'top_level');
      expect(await parentOf(child)).toBe(section);
    });

    it('cannot move a record from outside into its scope', async () => {
      const outside = await createItem(w.h, w.pageType, { title: 'outside' }, { parentId: w.elsewhere });
      expectRefused(await move(outside, section), 403, 'INSUFFICIENT_PERMISSIONS', { layer: 'scope', reason: 'outside_root_nodes' });
      expect(await parentOf(outside)).toBe(w.elsewhere);
    });

    it('moves a record within its scope', async () => {
      const a = await createItem(w.h, w.pageType, { title: 'a' }, { parentId: section });
      const b = await createItem(w.h, w.pageType, { title: 'b' }, { parentId: section });
      const res = await move(b, a);
      expect(res.statusCode, res.body).toBe(200);
      expect(await parentOf(b)).toBe(a);
      expect((await move(b, section)).statusCode).toBe(200);
    });

    it('may move one of its roots under another of its roots', async () => {
      const second = await createItem(w.h, w.pageType, { title: 'second' }, { parentId: w.home });
      const both = (await createToken(w.h, { cma: true, rootNodes: [section, second] })).secret;
      expect((await move(second, section, both)).statusCode).toBe(200);
      expect(await parentOf(second)).toBe(section);
    });

    it('creates only inside its scope: not under an item elsewhere, a missing one, or at the top level', async () => {
      const count = async () => (await asAdmin(w.h, 'GET', '/items?page[limit]=500')).json().meta.total_count as number;
      const before = await count();
      refusedScope(await page(inElsewhere), 'parent_outside_root_nodes');
      // A missing parent answers like one outside: a scoped token learns nothing about other ids.
      refusedScope(await page('999999'), 'parent_outside_root_nodes');
      refusedScope(await page(null), 'top_level');
      expect(await count()).toBe(before);
      expect((await page(section)).statusCode).toBe(201);
    });

    it('reads only audit events about records in its subtrees', async () => {
      const inside = await createItem(w.h, w.noteType, { title: 'in' }, { parentId: section, publish: true });
      const outside = await createItem(w.h, w.noteType, { title: 'out' }, { parentId: w.elsewhere, publish: true });
      await createToken(w.h, { cma: true });
      const list = async (secret: string, query = '') => {
        const res = await w.h.request('GET', `/audit_log_events?page[limit]=100${query}`, { token: secret });
        expect(res.statusCode, res.body).toBe(200);
        const body = res.json() as { data: { attributes: { subject_type: string; subject_id: string } }[]; meta: { total_count: number } };
        return { subjects: body.data.map((e) => `${e.attributes.subject_type}:${e.attributes.subject_id}`), total: body.meta.total_count };
      };
      const all = await list(w.h.adminSecret);
      expect(all.subjects).toEqual(expect.arrayContaining([`item:${inside}`, `item:${outside}`, expect.stringMatching(/^access_token:/)]));
      const seen = await list(scoped);
      expect(seen.subjects).toContain(`item:${inside}`);
      // The section itself and the note in it were published; websites, the note elsewhere and the token are not visible.
      expect(new Set(seen.subjects)).toEqual(new Set([`item:${section}`, `item:${inside}`]));
      expect(seen.total).toBe(seen.subjects.length);
      expect(await list(scoped, `&filter[subject_id]=${outside}`)).toEqual({ subjects: [], total: 0 });
      expect(await list(scoped, '&filter[subject_type]=access_token')).toEqual({ subjects: [], total: 0 });
    });

    it('judges an audit event by where its record is now: moved in, it shows; deleted, it is gone', async () => {
      const note = await createItem(w.h, w.noteType, { title: 'wanderer' }, { parentId: w.elsewhere, publish: true });
      const events = async () => {
        const res = await w.h.request('GET', `/audit_log_events?filter[subject_id]=${note}`, { token: scoped });
        expect(res.statusCode, res.body).toBe(200);
        return (res.json() as { meta: { total_count: number } }).meta.total_count;
      };
      expect(await events()).toBe(0);
      expect((await asAdmin(w.h, 'PUT', `/items/${note}`, { data: { type: 'item', id: note, attributes: { parent_id: section } } })).statusCode).toBe(200);
      expect(await events()).toBe(1);
      expect((await asAdmin(w.h, 'DELETE', `/items/${note}`)).statusCode).toBe(200);
      expect(await events()).toBe(0);
    });
  });
}

/**
 * Power over existing tokens: a token manager may update, disable, rotate, delete or read the
 * secret of only tokens that hold nothing it lacks — factory tokens included — on the CMA and on
 * the account-token API alike, and nothing it refuses changes anything.
 */
export function managerSuite(title: string, start: () => Promise<Harness>): void {
  describe(title, () => {
    let h: Harness;
    let manager: string;
    let managerRole: string;
    let factories: { id: string; secret: string }[];
    const as = (secret: string, method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, body?: unknown) => {
      h.clock.advance(60);
      return h.request(method, url, { token: secret, ...(body !== undefined ? { body } : {}) });
    };
    const put = (id: string, attributes: Record<string, unknown>) =>
      as(manager, 'PUT', `/access_tokens/${id}`, { data: { type: 'access_token', id, attributes } });
    const stored = async (id: string) => (await as(h.adminSecret, 'GET', `/access_tokens/${id}`)).json().data as { attributes: Record<string, unknown> };
    const refusedEscalation = (res: LightMyRequestResponse) =>
      expectRefused(res, 403, 'INSUFFICIENT_PERMISSIONS', { layer: 'escalation', reason: 'exceeds_caller' });
    const works = async (secret: string) => expect((await as(secret, 'GET', '/users/me')).statusCode).toBe(200);
    const weakToken = async () => {
      const res = await as(manager, 'POST', '/access_tokens', {
        data: {
          type: 'access_token',
          attributes: { name: 'weak', can_access_cma: true, can_access_cda: false, can_access_cda_preview: false, permissions: ['content:read'] },
          relationships: { role: { data: { type: 'role', id: managerRole } } },
        },
      });
      expect(res.statusCode, res.body).toBe(201);
      return { id: res.json().data.id as string, secret: res.json().data.attributes.token as string };
    };

    beforeAll(async () => {
      h = await start();
      managerRole = await createRole(h, { can_manage_access_tokens: true, positive_item_type_permissions: [{ item_type: null, action: 'read' }] });
      manager = (await createToken(h, { cma: true, role: managerRole, permissions: ['api-keys:*', 'content:read'] })).secret;
      const listed = (await as(h.adminSecret, 'GET', '/access_tokens')).json().data as { id: string; attributes: { hardcoded_type: string | null } }[];
      const secrets: Record<string, string> = { full_access: h.adminSecret, read_only: h.readonlySecret };
      factories = listed.filter((t) => t.attributes.hardcoded_type !== null).map((t) => ({ id: t.id, secret: secrets[t.attributes.hardcoded_type!]! }));
      expect(factories).toHaveLength(2);
    });

    it('cannot rename, narrow, disable or rotate a stronger token; it keeps working and no secret comes back', async () => {
      const strong = await createToken(h, { cma: true });
      const before = await stored(strong.id);
      for (const res of [
        await put(strong.id, { name: 'renamed' }),
        await put(strong.id, { permissions: ['content:read'] }),
        // Narrowed into everything the manager holds: the result would be within it, the token is not.
        await as(manager, 'PUT', `/access_tokens/${strong.id}`, {
          data: {
            type: 'access_token',
            id: strong.id,
            attributes: { permissions: ['content:read'] },
            relationships: { role: { data: { type: 'role', id: managerRole } } },
          },
        }),
        await put(strong.id, { enabled: false }),
        await as(manager, 'POST', `/access_tokens/${strong.id}/regenerate_token`),
      ]) {
        refusedEscalation(res);
        expect(res.body).not.toContain(strong.secret);
      }
      expect(await stored(strong.id)).toEqual(before);
      await works(strong.secret);
    });

    it('cannot delete a stronger token on either API, factory tokens included', async () => {
      const strong = await createToken(h, { cma: true });
      for (const target of [strong, ...factories]) {
        refusedEscalation(await as(manager, 'DELETE', `/access_tokens/${target.id}`));
        const account = await as(manager, 'DELETE', `/api/v1/admin/access-tokens/${target.id}`);
        expect(account.statusCode).toBe(403);
        expect(account.json()).toMatchObject({ status: 'error', error: { code: 'INSUFFICIENT_PERMISSIONS', details: { layer: 'escalation' } } });
        expect((await as(h.adminSecret, 'GET', `/access_tokens/${target.id}`)).statusCode).toBe(200);
      }
      await works(strong.secret);
      await works(h.adminSecret);
    });

    it('cannot edit, disable or rotate a factory token', async () => {
      for (const factory of factories) {
        expect((await put(factory.id, { enabled: false })).statusCode).toBe(403);
        refusedEscalation(await as(manager, 'POST', `/access_tokens/${factory.id}/regenerate_token`));
        expect((await stored(factory.id)).attributes.enabled).toBe(true);
      }
      await works(h.adminSecret);
    });

    it('sees the stored secret only of tokens within it', async () => {
      const strong = await createToken(h, { cma: true });
      const weak = await weakToken();
      for (const id of [strong.id, ...factories.map((f) => f.id)]) {
        expect((await as(manager, 'GET', `/access_tokens/${id}`)).json().data.attributes.token).toBeNull();
      }
      expect((await as(manager, 'GET', `/access_tokens/${weak.id}`)).json().data.attributes.token).toBe(weak.secret);
      const listed = (await as(manager, 'GET', '/access_tokens')).json().data as { id: string; attributes: { token: string | null } }[];
      const shown = listed.filter((t) => t.attributes.token !== null).map((t) => t.id);
      expect(shown).toContain(weak.id);
      expect(shown).not.toContain(strong.id);
      for (const f of factories) expect(shown).not.toContain(f.id);
    });

    it('still manages the tokens within it: update, disable, enable, rotate, delete on both APIs', async () => {
      const weak = await weakToken();
      expect((await put(weak.id, { name: 'renamed' })).statusCode).toBe(200);
      expect((await put(weak.id, { enabled: false })).statusCode).toBe(200);
      expect((await put(weak.id, { enabled: true })).statusCode).toBe(200);
      const rotated = await as(manager, 'POST', `/access_tokens/${weak.id}/regenerate_token`);
      expect(rotated.statusCode, rotated.body).toBe(200);
      expect((await as(manager, 'DELETE', `/access_tokens/${weak.id}`)).statusCode).toBe(200);
      const other = await weakToken();
      expect((await as(manager, 'DELETE', `/api/v1/admin/access-tokens/${other.id}`)).statusCode).toBe(200);
    });
  });
}
