/**
 * A token load that was in flight when a change arrived must not be cached: it may have read the
 * row before the change committed, and would keep a revoked token alive until the TTL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../src/core/ports.ts';
import { hashSecret } from '../../src/core/secret.ts';
import { TokenCache } from '../../src/runtime/token-cache.ts';
import { DIALECTS } from '../support/databases.ts';
import { startHarness, type Harness } from '../support/harness.ts';

for (const dialect of DIALECTS) {
  describe(`${dialect}: token cache and concurrent changes`, () => {
    let h: Harness;
    beforeAll(async () => {
      h = await startHarness({ dialect });
    });
    afterAll(() => h.close());

    it('does not remember a load that raced with a change to the token', async () => {
      const store = h.runtime.store;
      let read!: () => void;
      const hasRead = new Promise<void>((resolve) => (read = resolve));
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      // The real store, with the lookup's answer held back until the change has been made.
      const slow: Store = {
        ...store,
        findTokenBySecretHash: async (hash, now) => {
          const token = await store.findTokenBySecretHash(hash, now);
          read();
          await gate;
          return token;
        },
      };
      const cache = new TokenCache(slow, h.clock, store.changes, { ttlMs: 60_000, maxNegative: 10 });
      const secret = h.adminSecret;

      const inFlight = cache.lookup(secret);
      await hasRead;
      const token = (await store.findTokenBySecretHash(hashSecret(h.adminSecret), new Date(h.clock.now()).toISOString()))?.token;
      await store.updateToken(token!.id, { enabled: false }, new Date(h.clock.now()).toISOString());
      release();
      const raced = await inFlight;
      expect(raced.kind === 'found' && raced.principal.token.enabled).toBe(true);

      const next = await cache.lookup(secret);
      expect(next.kind === 'found' && next.principal.token.enabled).toBe(false);
      await store.updateToken(token!.id, { enabled: true }, new Date(h.clock.now()).toISOString());
    });
  });
}
