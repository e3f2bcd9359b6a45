/** `POST /access_tokens/:id/regenerate_token[?grace_period=SECONDS]`: zero-downtime rotation. */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DIALECTS } from '../support/databases.ts';
import { startHarness, type Harness } from '../support/harness.ts';
import { createToken, errorOf, updateToken } from '../support/tokens.ts';

for (const dialect of DIALECTS) {
  describe(`${dialect}: rotation`, () => {
    let h: Harness;
    beforeAll(async () => {
      h = await startHarness({ dialect });
    });
    afterAll(() => h.close());
    beforeEach(() => h.clock.advance(3_000));

    const rotate = async (id: string, query = '') => {
      const res = await h.request('POST', `/access_tokens/${id}/regenerate_token${query}`, { token: h.adminSecret });
      expect(res.statusCode, res.body).toBe(200);
      return res.json().data.attributes.token as string;
    };
    const status = async (secret: string) => (await h.request('GET', '/site', { token: secret })).statusCode;

    it('without a grace period, refuses the old secret on the very next request and admits the new one at once', async () => {
      const t = await createToken(h);
      expect(await status(t.secret)).toBe(200);
      const fresh = await rotate(t.id);
      expect(fresh).not.toBe(t.secret);
      const old = await h.request('GET', '/site', { token: t.secret });
      expect(old.statusCode).toBe(401);
      expect(errorOf(old).details).toEqual({ layer: 'token', reason: 'unknown' });
      expect(await status(fresh)).toBe(200);
    });

    it('keeps the old secret valid for exactly grace_period seconds, even when it was cached', async () => {
      const t = await createToken(h);
      const fresh = await rotate(t.id, '?grace_period=60');
      expect(await status(fresh)).toBe(200);
      expect(await status(t.secret)).toBe(200);
      h.clock.advance(60_000 - 1);
      expect(await status(t.secret)).toBe(200);
      h.clock.advance(1);
      expect(await status(t.secret)).toBe(401);
      expect(await status(fresh)).toBe(200);
    });

    it('ends the grace even when the cache would have kept the entry longer', async () => {
      // The default cache lifetime is 30 s; a 5 s grace must not be stretched to it.
      const t = await createToken(h);
      await rotate(t.id, '?grace_period=5');
      expect(await status(t.secret)).toBe(200);
      h.clock.advance(5_000);
      expect(await status(t.secret)).toBe(401);
    });

    it('applies changes to the token to the grace secret as well', async () => {
      const t = await createToken(h);
      await rotate(t.id, '?grace_period=600');
      await updateToken(h, t.id, { enabled: false });
      expect(errorOf(await h.request('GET', '/site', { token: t.secret })).details.reason).toBe('disabled');
    });

    it('ends every earlier grace when the token is rotated again without one (e.g. after a leak)', async () => {
      const t = await createToken(h);
      const second = await rotate(t.id, '?grace_period=3600');
      expect(await status(t.secret)).toBe(200);
      const third = await rotate(t.id);
      expect(await status(t.secret)).toBe(401);
      expect(await status(second)).toBe(401);
      expect(await status(third)).toBe(200);
    });

    it('rotates the factory tokens too', async () => {
      const list = (await h.request('GET', '/access_tokens', { token: h.adminSecret })).json().data;
      const readonly = list.find((t: { attributes: { hardcoded_type: string } }) => t.attributes.hardcoded_type === 'readonly');
      const fresh = await rotate(readonly.id, '?grace_period=1');
      expect(fresh).toMatch(/^lk_/);
      expect(errorOf(await h.request('GET', '/site', { token: fresh })).details.reason).toBe('can_access_cma');
    });

    it.each(['?grace_period=-1', '?grace_period=abc', '?grace_period=2592001', '?grace=5'])('rejects %s with INVALID_PARAMS', async (query) => {
      const t = await createToken(h);
      const res = await h.request('POST', `/access_tokens/${t.id}/regenerate_token${query}`, { token: h.adminSecret });
      expect(res.statusCode).toBe(400);
      expect(errorOf(res).code).toBe('INVALID_PARAMS');
      expect(await status(t.secret)).toBe(200);
    });
  });
}
