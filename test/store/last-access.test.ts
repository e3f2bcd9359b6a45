/** Last access: in memory per surface, written in batches, nothing lost on a clean shutdown. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DIALECTS } from '../support/databases.ts';
import { startHarness } from '../support/harness.ts';
import { openStore } from '../../src/store/database.ts';
import { createToken } from '../support/tokens.ts';

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

for (const dialect of DIALECTS) {
  describe(`${dialect}: last-access recording`, () => {
    it('writes at most once per flush interval however many requests arrive, and only when something changed', async () => {
      const h = await startHarness({ dialect });
      try {
        const a = await createToken(h, { cda: true });
        const b = await createToken(h);
        await h.runtime.deps.recorder.flush(); // the admin token's own requests above
        const writes = vi.spyOn(h.runtime.store, 'recordAccess');
        vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
        h.runtime.deps.recorder.start(10_000, (error) => {
          throw error;
        });

        let lastOfA = '';
        for (let i = 0; i < 50; i++) {
          h.clock.advance(100);
          await h.request('GET', '/site', { token: i % 2 ? a.secret : b.secret });
          if (i % 2) lastOfA = new Date(h.clock.now()).toISOString();
        }
        expect(writes).not.toHaveBeenCalled();

        await vi.advanceTimersByTimeAsync(10_000);
        await h.runtime.deps.recorder.flush();
        expect(writes).toHaveBeenCalledTimes(1);
        // One batch: every token seen once, with its latest time.
        const batch = writes.mock.calls[0]![0];
        expect(batch.map((r) => r.tokenId).sort()).toEqual([a.id, b.id].sort());
        expect(batch.find((r) => r.tokenId === a.id)).toEqual({ tokenId: a.id, cma: lastOfA, cda: null });

        await vi.advanceTimersByTimeAsync(30_000);
        expect(writes).toHaveBeenCalledTimes(1);

        for (let i = 0; i < 20; i++) await h.request('GET', '/site', { token: b.secret });
        await vi.advanceTimersByTimeAsync(10_000);
        await h.runtime.deps.recorder.flush();
        expect(writes).toHaveBeenCalledTimes(2);
        expect(writes.mock.calls[1]![0].map((r) => r.tokenId)).toEqual([b.id]);
        expect((await h.runtime.store.findToken(a.id))?.lastCmaAccessAt).toBe(lastOfA);
      } finally {
        await h.close();
      }
    });

    it('shows an access at once, before any flush, and in the database after a clean shutdown', async () => {
      const h = await startHarness({ dialect });
      const t = await createToken(h);
      h.clock.advance(1_000);
      await h.request('GET', '/site', { token: t.secret });
      const seenAt = new Date(h.clock.now()).toISOString();
      const listed = await h.request('GET', `/access_tokens/${t.id}`, { token: h.adminSecret });
      expect(listed.json().data.attributes).toMatchObject({ last_cma_access_at: seenAt, last_cma_access: 'today', last_cda_access: 'never' });
      expect((await h.runtime.store.findToken(t.id))?.lastCmaAccessAt).toBeNull();

      await h.app.close();
      await h.runtime.close();
      const reopened = await openStore(h.db.target);
      try {
        const tokens = await reopened.listTokens();
        expect(tokens.find((x) => x.id === t.id)?.lastCmaAccessAt).toBe(seenAt);
        // The admin token's own requests were recorded as well.
        expect(tokens.find((x) => x.hardcodedType === 'admin')?.lastCmaAccessAt).toBe(seenAt);
      } finally {
        await reopened.close();
        await h.db.drop();
      }
    });

    it('keeps a batch whose write failed and writes it with the next flush', async () => {
      const h = await startHarness({ dialect });
      try {
        const t = await createToken(h);
        await h.request('GET', '/site', { token: t.secret });
        const at = new Date(h.clock.now()).toISOString();
        const original = h.runtime.store.recordAccess.bind(h.runtime.store);
        const writes = vi.spyOn(h.runtime.store, 'recordAccess').mockRejectedValueOnce(new Error('connection lost'));
        await expect(h.runtime.deps.recorder.flush()).rejects.toThrow('connection lost');
        writes.mockImplementation(original);
        await h.runtime.deps.recorder.flush();
        expect(writes).toHaveBeenCalledTimes(2);
        expect((await h.runtime.store.findToken(t.id))?.lastCmaAccessAt).toBe(at);
      } finally {
        await h.close();
      }
    });

    it('only moves last access forward, per surface, for many tokens at once', async () => {
      const h = await startHarness({ dialect });
      try {
        const tokens = await Promise.all(Array.from({ length: 3 }, () => createToken(h)));
        const [x, y, z] = tokens.map((t) => t.id) as [string, string, string];
        await h.runtime.store.recordAccess([
          { tokenId: x, cma: '2026-01-02T00:00:00.000Z', cda: null },
          { tokenId: y, cma: null, cda: '2026-01-02T00:00:00.000Z' },
        ]);
        await h.runtime.store.recordAccess([
          { tokenId: x, cma: '2026-01-01T00:00:00.000Z', cda: '2026-01-01T00:00:00.000Z' },
          { tokenId: y, cma: '2026-01-03T00:00:00.000Z', cda: '2026-01-01T00:00:00.000Z' },
          { tokenId: z, cma: null, cda: null },
          { tokenId: 'not-an-id', cma: '2026-01-03T00:00:00.000Z', cda: null },
        ]);
        const byId = new Map((await h.runtime.store.listTokens()).map((t) => [t.id, t]));
        expect([byId.get(x)?.lastCmaAccessAt, byId.get(x)?.lastCdaAccessAt]).toEqual(['2026-01-02T00:00:00.000Z', '2026-01-01T00:00:00.000Z']);
        expect([byId.get(y)?.lastCmaAccessAt, byId.get(y)?.lastCdaAccessAt]).toEqual(['2026-01-03T00:00:00.000Z', '2026-01-02T00:00:00.000Z']);
        expect([byId.get(z)?.lastCmaAccessAt, byId.get(z)?.lastCdaAccessAt]).toEqual([null, null]);
      } finally {
        await h.close();
      }
    });

    it('writes a batch larger than one statement chunk completely', async () => {
      const h = await startHarness({ dialect });
      try {
        const t = await createToken(h);
        const records = Array.from({ length: 1_200 }, (_, i) => ({ tokenId: String(100_000 + i), cma: '2026-01-01T00:00:00.000Z', cda: null }));
        await h.runtime.store.recordAccess([...records, { tokenId: t.id, cma: '2026-02-01T00:00:00.000Z', cda: '2026-02-02T00:00:00.000Z' }]);
        const stored = await h.runtime.store.findToken(t.id);
        expect([stored?.lastCmaAccessAt, stored?.lastCdaAccessAt]).toEqual(['2026-02-01T00:00:00.000Z', '2026-02-02T00:00:00.000Z']);
      } finally {
        await h.close();
      }
    });
  });
}
