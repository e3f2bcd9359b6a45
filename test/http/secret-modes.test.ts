/** LATCHKEY_SECRET_MODE: `retrievable` (DatoCMS) and `once` (datafa.st), end to end. */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DIALECTS } from '../support/databases.ts';
import { startHarness, type Harness } from '../support/harness.ts';
import { createRole, createToken } from '../support/tokens.ts';

const secretOf = async (h: Harness, id: string, as: string) =>
  (await h.request('GET', `/access_tokens/${id}`, { token: as })).json().data.attributes.token as string | null;

for (const dialect of DIALECTS) {
  describe(`${dialect}: retrievable secrets`, () => {
    let h: Harness;
    beforeAll(async () => {
      h = await startHarness({ dialect, config: { secretMode: 'retrievable' } });
    });
    afterAll(() => h.close());
    beforeEach(() => h.clock.advance(3_000));

    it('returns the secret on every read to token managers, the new one after a rotation', async () => {
      const t = await createToken(h);
      expect(t.secret).toMatch(/^lk_/);
      expect(await secretOf(h, t.id, h.adminSecret)).toBe(t.secret);
      const listed = (await h.request('GET', '/access_tokens', { token: h.adminSecret })).json().data;
      expect(listed.find((x: { id: string }) => x.id === t.id).attributes.token).toBe(t.secret);
      const rotated = (await h.request('POST', `/access_tokens/${t.id}/regenerate_token`, { token: h.adminSecret })).json().data.attributes.token;
      expect(await secretOf(h, t.id, h.adminSecret)).toBe(rotated);
    });

    it('returns null to a caller whose role cannot manage tokens', async () => {
      const reader = await createRole(h, 'Token reader', {});
      const t = await createToken(h, { role: reader, attributes: { permissions: ['api-keys:read'] } });
      expect(await secretOf(h, t.id, t.secret)).toBeNull();
      const listed = (await h.request('GET', '/access_tokens', { token: t.secret })).json().data;
      expect(listed.every((x: { attributes: { token: unknown } }) => x.attributes.token === null)).toBe(true);
    });

    it('keeps no readable secret in the database: only a hash and an AES-GCM ciphertext', async () => {
      const t = await createToken(h);
      const stored = await h.runtime.store.findToken(t.id);
      expect(JSON.stringify(stored)).not.toContain(t.secret.slice(3));
      expect(stored?.sealedSecret).toMatch(/^v1\./);
    });
  });

  describe(`${dialect}: show-once secrets`, () => {
    let h: Harness;
    beforeAll(async () => {
      h = await startHarness({ dialect, config: { secretMode: 'once' } });
    });
    afterAll(() => h.close());
    beforeEach(() => h.clock.advance(3_000));

    it('shows the secret only in the create and rotate responses, null on every read', async () => {
      const t = await createToken(h);
      expect(t.secret).toMatch(/^lk_/);
      expect(t.attributes.display_key).toBe(`${t.secret.slice(0, 6)}…${t.secret.slice(-4)}`);
      expect(await secretOf(h, t.id, h.adminSecret)).toBeNull();
      expect(
        (await h.request('GET', '/access_tokens', { token: h.adminSecret }))
          .json()
          .data.every((x: { attributes: { token: unknown } }) => x.attributes.token === null),
      ).toBe(true);

      const rotated = await h.request('POST', `/access_tokens/${t.id}/regenerate_token`, { token: h.adminSecret });
      const fresh = rotated.json().data.attributes.token;
      expect(fresh).toMatch(/^lk_/);
      expect(await secretOf(h, t.id, h.adminSecret)).toBeNull();
      expect((await h.request('GET', '/site', { token: fresh })).statusCode).toBe(200);
      expect(
        (
          await h.request('PUT', `/access_tokens/${t.id}`, { token: h.adminSecret, body: { data: { type: 'access_token', attributes: { name: 'renamed' } } } })
        ).json().data.attributes.token,
      ).toBeNull();
    });

    it('stores no ciphertext at all', async () => {
      const t = await createToken(h);
      expect((await h.runtime.store.findToken(t.id))?.sealedSecret).toBeNull();
      expect((await h.request('GET', '/site', { token: h.adminSecret })).json().data.attributes.secret_mode).toBe('once');
    });
  });
}
