/**
 * Paged lists: `/access_tokens`, `/users`, `/roles` and the account-token list page in the
 * database with `page[offset]`/`page[limit]` and `meta.total_count`; without page parameters they
 * stream every row, across the chunks the server reads them in.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DIALECTS } from '../support/databases.ts';
import { startHarness, type Harness } from '../support/harness.ts';
import { insertTokens } from '../support/bulk-tokens.ts';
import { PAGE_LIMIT_DEFAULT, STREAM_CHUNK } from '../../src/http/lists.ts';
import { eachToken, TOKEN_CHUNK } from '../../src/core/token-chunks.ts';
import { adminRoleId, createRole, createToken, createUser, expectProblem, type Resource } from './fixtures.ts';

/** More than one streamed chunk, plus the two factory tokens and the few the tests create. */
const BULK = STREAM_CHUNK + 37;

interface ListBody {
  readonly data: Resource[];
  readonly meta: { readonly total_count: number };
}

for (const dialect of DIALECTS) {
  describe(`${dialect}: paged lists`, () => {
    let h: Harness;
    let adminRole: string;
    let manager: { id: string; secret: string };
    let reader: { id: string; secret: string };

    const list = async (url: string, token = h.adminSecret): Promise<ListBody> => {
      const res = await h.request('GET', url, { token });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
      return res.json() as ListBody;
    };
    const ids = (body: ListBody) => body.data.map((r) => r.id);

    beforeAll(async () => {
      h = await startHarness({ dialect });
      adminRole = await adminRoleId(h);
      manager = await createToken(h, { name: 'Manager' });
      // Can list tokens (api-keys:read) but its role cannot manage them: sees no secret.
      const readerRole = await createRole(h, { can_manage_access_tokens: false });
      reader = await createToken(h, { roleId: readerRole, name: 'Reader' });
      await insertTokens(h, BULK, adminRole);
    });
    afterAll(() => h.close());
    beforeEach(() => h.clock.advance(3_000));

    it('streams every token without page parameters, in id order, with the total', async () => {
      const all = await list('/access_tokens');
      const total = BULK + 4;
      expect(all.meta.total_count).toBe(total);
      expect(all.data).toHaveLength(total);
      const numeric = ids(all).map(Number);
      expect(numeric).toEqual([...numeric].sort((a, b) => a - b));
      expect(new Set(numeric).size).toBe(total);
      // The secret a manager may read is still shown inside a streamed list.
      expect(all.data.find((t) => t.id === manager.id)?.attributes.token).toBe(manager.secret);
    });

    it('pages by offset and limit; the pages add up to the whole list', async () => {
      const all = ids(await list('/access_tokens'));
      const collected: string[] = [];
      for (let offset = 0; offset < all.length; offset += 97) {
        const page = await list(`/access_tokens?page[offset]=${offset}&page[limit]=97`);
        expect(page.meta.total_count).toBe(all.length);
        expect(page.data.length).toBe(Math.min(97, all.length - offset));
        collected.push(...ids(page));
      }
      expect(collected).toEqual(all);
    });

    it('defaults: offset 0, limit 30; a page past the end is empty but keeps the total', async () => {
      const all = ids(await list('/access_tokens'));
      expect(ids(await list('/access_tokens?page[limit]=3'))).toEqual(all.slice(0, 3));
      expect(ids(await list('/access_tokens?page[offset]=5'))).toEqual(all.slice(5, 5 + PAGE_LIMIT_DEFAULT));
      const last = await list('/access_tokens?page[offset]=10000&page[limit]=500');
      expect(last).toEqual({ data: [], meta: { total_count: all.length } });
      expect(await list(`/access_tokens?page[offset]=${all.length - 1}&page[limit]=500`)).toMatchObject({ data: [{ id: all.at(-1) }] });
    });

    it('shows secrets only to a caller whose role manages tokens, on pages and streamed', async () => {
      const page = await list(`/access_tokens?page[limit]=10`, reader.secret);
      expect(page.data.length).toBe(10);
      for (const t of page.data) expect(t.attributes.token).toBeNull();
      const all = await list('/access_tokens', reader.secret);
      expect(all.data.every((t) => t.attributes.token === null)).toBe(true);
      expect(JSON.stringify(all)).not.toContain(manager.secret);
      const managed = await list(`/access_tokens?page[offset]=0&page[limit]=4`, manager.secret);
      expect(managed.data.find((t) => t.id === manager.id)?.attributes.token).toBe(manager.secret);
    });

    it('refuses bad page parameters with 400 INVALID_PARAMS on every list', async () => {
      for (const path of ['/access_tokens', '/users', '/roles']) {
        for (const query of ['page[limit]=0', 'page[limit]=501', 'page[offset]=-3', 'page[offset]=x', 'page[size]=3']) {
          expectProblem(await h.request('GET', `${path}?${query}`, { token: h.adminSecret }), 400, 'INVALID_PARAMS');
        }
      }
    });

    it('pages users, with the total', async () => {
      const created = [];
      for (let i = 0; i < 5; i++) created.push(await createUser(h, adminRole));
      const all = await list('/users');
      expect(all.meta.total_count).toBe(all.data.length);
      expect(ids(all)).toEqual(expect.arrayContaining(created));
      const page = await list('/users?page[offset]=1&page[limit]=2');
      expect(page).toEqual({ data: all.data.slice(1, 3), meta: { total_count: all.data.length } });
    });

    it('pages roles; final permissions still follow ancestors that are not on the page', async () => {
      const parent = await createRole(h, { can_edit_site: true });
      const child = await createRole(h, {}, { inherits_permissions_from: { data: [{ type: 'role', id: parent }] } });
      const grandchild = await createRole(h, {}, { inherits_permissions_from: { data: [{ type: 'role', id: child }] } });
      const all = await list('/roles');
      expect(all.meta.total_count).toBe(all.data.length);
      const index = ids(all).indexOf(grandchild);
      const page = await list(`/roles?page[offset]=${index}&page[limit]=1`);
      expect(ids(page)).toEqual([grandchild]);
      const meta = (page.data[0] as Resource & { meta: { final_permissions: Record<string, unknown> } }).meta;
      expect(meta.final_permissions.can_edit_site).toBe(true);
      expect(page.data[0]).toEqual(all.data[index]);
    });

    it('cuts a streamed list short when the database fails midway, and keeps serving', async () => {
      const base = await h.listen();
      const store = h.runtime.store;
      const pageTokens = store.pageTokens;
      // The first chunk is read before the answer begins; a later one fails as a lost database would.
      store.pageTokens = (page) => (page.afterId === undefined ? pageTokens(page) : Promise.reject(new Error('connection lost')));
      try {
        const res = await fetch(`${base}/access_tokens`, { headers: { authorization: `Bearer ${h.adminSecret}` } });
        expect(res.status).toBe(200);
        const outcome = await res.text().then(
          (text) => {
            try {
              JSON.parse(text);
              return 'complete';
            } catch {
              return 'cut';
            }
          },
          () => 'cut',
        );
        expect(outcome).toBe('cut');
      } finally {
        store.pageTokens = pageTokens;
      }
      expect((await list('/access_tokens')).data).toHaveLength(BULK + 4);
    });

    it('walks every token once, chunk by chunk, for whole-project passes (keys, CLI)', async () => {
      const walked: string[] = [];
      for await (const token of eachToken(h.runtime.store)) walked.push(token.id);
      expect(walked).toEqual((await h.runtime.store.listTokens()).map((t) => t.id));
      expect(walked.length).toBeGreaterThan(TOKEN_CHUNK);
    });

    it('pages and streams the account-token list in its own shape', async () => {
      const url = '/api/v1/admin/access-tokens';
      const all = (await h.request('GET', url, { token: h.adminSecret })).json() as { status: string; data: { _id: string }[]; meta: { total_count: number } };
      expect(all.status).toBe('success');
      expect(all.data.length).toBe(all.meta.total_count);
      expect(all.data.length).toBeGreaterThan(STREAM_CHUNK);
      const page = (await h.request('GET', `${url}?page[offset]=2&page[limit]=3`, { token: h.adminSecret })).json();
      expect(page).toEqual({ status: 'success', data: all.data.slice(2, 5), meta: { total_count: all.meta.total_count } });
      const bad = await h.request('GET', `${url}?page[limit]=1000`, { token: h.adminSecret });
      expect(bad.statusCode).toBe(400);
      expect(bad.json()).toMatchObject({ status: 'error', error: { code: 'INVALID_PARAMS' } });
    });
  });
}
