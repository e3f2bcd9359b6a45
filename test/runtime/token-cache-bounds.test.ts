/**
 * The token cache stays bounded (tokens and unknown secrets), and the indexes that let a change
 * drop exactly the affected entries keep working after evictions.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../src/core/ports.ts';
import { CLI_CONTEXT } from '../../src/core/audit.ts';
import { newTokenGrants } from '../../src/core/model.ts';
import { createToken } from '../../src/core/tokens.ts';
import { TokenCache } from '../../src/runtime/token-cache.ts';
import { startHarness, type Harness } from '../support/harness.ts';

describe('token cache bounds', () => {
  let h: Harness;
  let lookups = 0;
  let counting: Store;
  const secrets: string[] = [];

  beforeAll(async () => {
    h = await startHarness();
    const store = h.runtime.store;
    counting = {
      ...store,
      findTokenBySecretHash: async (hash, now) => {
        lookups++;
        return store.findTokenBySecretHash(hash, now);
      },
    };
    const roleId = (await store.listRoles())[0]!.id;
    for (let i = 0; i < 3; i++) {
      const issued = await createToken(
        h.runtime.tokens,
        newTokenGrants({ name: `t${i}`, canAccessCma: true, canAccessCda: false, canAccessCdaPreview: false, roleId }),
        null,
        CLI_CONTEXT,
      );
      secrets.push(issued.secret);
    }
  });
  afterAll(() => h.close());

  it('holds at most maxEntries tokens; an evicted one reloads on its next use', async () => {
    const cache = new TokenCache(counting, h.clock, h.runtime.store.changes, { ttlMs: 60_000, maxNegative: 10, maxEntries: 2 });
    lookups = 0;
    for (const secret of secrets) expect((await cache.lookup(secret)).kind).toBe('found');
    expect(cache.size).toBe(2);
    expect(lookups).toBe(3);
    // The newest two are hits; the first was evicted and costs one more lookup.
    expect((await cache.lookup(secrets[2]!)).kind).toBe('found');
    expect(lookups).toBe(3);
    expect((await cache.lookup(secrets[0]!)).kind).toBe('found');
    expect(lookups).toBe(4);
    expect(cache.size).toBe(2);
  });

  it('remembers unknown secrets up to maxNegative, then starts over', async () => {
    const cache = new TokenCache(counting, h.clock, h.runtime.store.changes, { ttlMs: 60_000, maxNegative: 2 });
    const unknown = ['u'.repeat(24), 'v'.repeat(24), 'w'.repeat(24)];
    lookups = 0;
    for (const secret of unknown) expect((await cache.lookup(secret)).kind).toBe('unknown');
    expect(lookups).toBe(3);
    // The third made room by forgetting the first two: it is a hit, the first is asked again.
    expect((await cache.lookup(unknown[2]!)).kind).toBe('unknown');
    expect(lookups).toBe(3);
    expect((await cache.lookup(unknown[0]!)).kind).toBe('unknown');
    expect(lookups).toBe(4);
    expect(cache.size).toBe(0);
  });

  it('drops exactly the changed token, so the others stay hits', async () => {
    const cache = new TokenCache(counting, h.clock, h.runtime.store.changes, { ttlMs: 60_000, maxNegative: 10 });
    for (const secret of secrets) await cache.lookup(secret);
    const token = (await h.runtime.store.listTokens()).find((t) => t.name === 't1')!;
    await h.runtime.store.updateToken(token.id, { enabled: false }, new Date(h.clock.now()).toISOString());
    lookups = 0;
    const after = await cache.lookup(secrets[1]!);
    expect(after.kind === 'found' && after.principal.token.enabled).toBe(false);
    expect((await cache.lookup(secrets[0]!)).kind).toBe('found');
    expect((await cache.lookup(secrets[2]!)).kind).toBe('found');
    expect(lookups).toBe(1);
  });
});
