/** Layer 3: enabled, expires_at. */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DIALECTS } from '../support/databases.ts';
import { startHarness, type Harness } from '../support/harness.ts';
import { createToken, errorOf, updateToken } from '../support/tokens.ts';

for (const dialect of DIALECTS) {
  describe(`${dialect}: enabled and expires_at`, () => {
    let h: Harness;
    beforeAll(async () => {
      h = await startHarness({ dialect });
    });
    afterAll(() => h.close());
    beforeEach(() => h.clock.advance(3_000));

    it('answers 401 `disabled` to a disabled token from the very next request, and works again once re-enabled', async () => {
      const t = await createToken(h);
      expect((await h.request('GET', '/site', { token: t.secret })).statusCode).toBe(200);
      expect((await updateToken(h, t.id, { enabled: false })).attributes.enabled).toBe(false);

      const denied = await h.request('GET', '/site', { token: t.secret });
      expect(denied.statusCode).toBe(401);
      expect(denied.headers['www-authenticate']).toBe('Bearer realm="latchkey", error="invalid_token"');
      expect(errorOf(denied)).toEqual({ code: 'INVALID_AUTHORIZATION_HEADER', details: { layer: 'state', reason: 'disabled' } });
      // No rate-limit headers: the request never got as far as being authenticated.
      expect(denied.headers['x-ratelimit-limit']).toBeUndefined();

      await updateToken(h, t.id, { enabled: true });
      expect((await h.request('GET', '/site', { token: t.secret })).statusCode).toBe(200);
    });

    it('keeps a disabled token listed and editable by others', async () => {
      const t = await createToken(h, { attributes: { enabled: false } });
      expect((await h.request('GET', '/site', { token: t.secret })).statusCode).toBe(401);
      const found = await h.request('GET', `/access_tokens/${t.id}`, { token: h.adminSecret });
      expect(found.json().data.attributes.enabled).toBe(false);
    });

    it('answers 401 `expired` from the expiry instant on, and works up to it', async () => {
      const expiresAt = new Date(h.clock.now() + 3_600_000).toISOString();
      const t = await createToken(h, { attributes: { expires_at: expiresAt } });
      expect(t.attributes.expires_at).toBe(expiresAt);

      h.clock.advance(3_600_000 - 1);
      expect((await h.request('GET', '/site', { token: t.secret })).statusCode).toBe(200);
      h.clock.advance(1);
      const denied = await h.request('GET', '/site', { token: t.secret });
      expect(denied.statusCode).toBe(401);
      expect(errorOf(denied)).toEqual({ code: 'INVALID_AUTHORIZATION_HEADER', details: { layer: 'state', reason: 'expired' } });
    });

    it('revives an expired token when its expiry is moved or removed', async () => {
      const t = await createToken(h, { attributes: { expires_at: new Date(h.clock.now() + 1_000).toISOString() } });
      h.clock.advance(2_000);
      expect((await h.request('GET', '/site', { token: t.secret })).statusCode).toBe(401);
      await updateToken(h, t.id, { expires_at: null });
      expect((await h.request('GET', '/site', { token: t.secret })).statusCode).toBe(200);
    });

    it('accepts any offset and stores the instant in UTC', async () => {
      const t = await createToken(h, { attributes: { expires_at: '2030-01-01T12:00:00+02:00' } });
      expect(t.attributes.expires_at).toBe('2030-01-01T10:00:00.000Z');
    });

    it('rejects an expiry that is not a date-time with INVALID_FORMAT', async () => {
      const res = await h.request('POST', '/access_tokens', {
        token: h.adminSecret,
        body: {
          data: {
            type: 'access_token',
            attributes: { name: 'x', can_access_cma: true, can_access_cda: false, can_access_cda_preview: false, expires_at: 'tomorrow' },
            relationships: { role: { data: { type: 'role', id: '1' } } },
          },
        },
      });
      expect(res.statusCode).toBe(422);
      expect(errorOf(res)).toMatchObject({ code: 'INVALID_FORMAT', details: { pointer: '/data/attributes/expires_at' } });
    });
  });
}
