/** Buckets on the wire, with a fake clock and the project time zone set through PUT /site. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../support/databases.ts';
import { FakeClock, startHarness, type Harness } from '../support/harness.ts';
import { createToken } from '../support/tokens.ts';

for (const dialect of DIALECTS) {
  describe(`${dialect}: last-access buckets in the project time zone`, () => {
    let h: Harness;
    const clock = new FakeClock(Date.parse('2026-11-29T20:00:00-05:00'));
    beforeAll(async () => {
      h = await startHarness({ dialect, clock });
      const res = await h.request('PUT', '/site', { token: h.adminSecret, body: { data: { type: 'site', attributes: { timezone: 'America/New_York' } } } });
      expect(res.json().data.attributes.timezone).toBe('America/New_York');
    });
    afterAll(() => h.close());

    const buckets = async (id: string) => {
      const { attributes } = (await h.request('GET', `/access_tokens/${id}`, { token: h.adminSecret })).json().data;
      return [attributes.last_cma_access, attributes.last_cda_access];
    };

    it('moves a Sunday-night access through yesterday, last week and last month, flushed or not', async () => {
      const t = await createToken(h, { cda: true });
      expect(await buckets(t.id)).toEqual(['never', 'never']);
      clock.ms = Date.parse('2026-11-29T22:00:00-05:00'); // Sunday 22:00 in New York, Monday 03:00 UTC
      await h.request('GET', '/site', { token: t.secret });
      expect(await buckets(t.id)).toEqual(['today', 'never']);

      clock.ms = Date.parse('2026-11-30T08:00:00-05:00'); // Monday
      expect(await buckets(t.id)).toEqual(['yesterday', 'never']);
      await h.runtime.deps.recorder.flush();
      clock.ms = Date.parse('2026-12-01T12:00:00-05:00'); // Tuesday
      expect(await buckets(t.id)).toEqual(['last_week', 'never']);
      clock.ms = Date.parse('2026-12-20T12:00:00-05:00');
      expect(await buckets(t.id)).toEqual(['last_month', 'never']);
      clock.ms = Date.parse('2027-01-04T12:00:00-05:00');
      expect(await buckets(t.id)).toEqual(['never', 'never']);
    });

    it('follows a change of the time zone at once', async () => {
      const t = await createToken(h);
      clock.ms = Date.parse('2027-02-01T02:00:00Z'); // Monday 02:00 UTC, Sunday 21:00 in New York
      await h.request('GET', '/site', { token: t.secret });
      clock.ms = Date.parse('2027-02-01T12:00:00Z');
      expect((await buckets(t.id))[0]).toBe('yesterday');
      await h.request('PUT', '/site', { token: h.adminSecret, body: { data: { type: 'site', attributes: { timezone: 'UTC' } } } });
      expect((await buckets(t.id))[0]).toBe('today');
      await h.request('PUT', '/site', { token: h.adminSecret, body: { data: { type: 'site', attributes: { timezone: 'America/New_York' } } } });
    });
  });
}
