import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../support/databases.ts';
import { startHarness, type Harness } from '../support/harness.ts';

for (const dialect of DIALECTS) {
  describe(`${dialect}: the factory tokens`, () => {
    let h: Harness;
    beforeAll(async () => {
      h = await startHarness({ dialect });
    });
    afterAll(() => h.close());

    it('lists both factory tokens to the full-access token', async () => {
      const res = await h.request('GET', '/access_tokens', { token: h.adminSecret });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
      const names = res.json().data.map((t: { attributes: { hardcoded_type: string } }) => t.attributes.hardcoded_type);
      expect(names).toEqual(['readonly', 'admin']);
    });

    it('refuses the CMA to the read-only token, naming the missing surface flag', async () => {
      const res = await h.request('GET', '/access_tokens', { token: h.readonlySecret });
      expect(res.statusCode).toBe(401);
      expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
      expect(res.json().data[0].attributes).toMatchObject({
        code: 'INVALID_AUTHORIZATION_HEADER',
        details: { layer: 'surface', reason: 'can_access_cma' },
      });
    });
  });
}
