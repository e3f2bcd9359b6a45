import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { startHarness, type Harness } from '../support/harness.ts';
import { createItem, createItemType } from '../content/fixtures.ts';
import { SERVER_MODULES } from '../../src/cli/serve.ts';
import { buildVariant } from '../../bench/server/compose.ts';

// The benchmark compares the production app with a composition that skips verification; the
// comparison only means something if both serve the same bytes, and only is safe if the
// production composition still verifies.
describe('the benchmark-only composition without verification', () => {
  let h: Harness;
  let open: FastifyInstance;
  let itemId: string;
  beforeAll(async () => {
    h = await startHarness();
    const typeId = await createItemType(h, 'article', [{ api_key: 'title', field_type: 'string', required: true }]);
    itemId = await createItem(h, typeId, { title: 'Hello' }, { publish: true });
    const credential = await h.runtime.deps.cache.lookup(h.adminSecret);
    if (credential.kind !== 'found') throw new Error('admin token does not resolve');
    open = await buildVariant(h.runtime.deps, 'open', credential.principal, SERVER_MODULES);
  });
  afterAll(async () => {
    await open.close();
    await h.close();
  });

  it('serves GET /items/:id and POST /graphql with the same body as the verified app', async () => {
    const verified = await h.request('GET', `/items/${itemId}`, { token: h.adminSecret });
    const unverified = await open.inject({ method: 'GET', url: `/items/${itemId}` });
    expect(verified.statusCode).toBe(200);
    expect(unverified.statusCode).toBe(200);
    expect(unverified.json()).toEqual(verified.json());

    const query = JSON.stringify({ query: '{ allArticles { id title } }' });
    const viaToken = await h.request('POST', '/graphql', { token: h.adminSecret, body: query });
    const viaOpen = await open.inject({ method: 'POST', url: '/graphql', payload: query, headers: { 'content-type': 'application/json' } });
    expect(viaOpen.statusCode).toBe(200);
    expect(viaOpen.json()).toEqual(viaToken.json());
    expect(viaOpen.json().data.allArticles).toEqual([{ id: itemId, title: 'Hello' }]);
  });

  it('leaves the production composition verifying: no token is still a 401', async () => {
    const res = await h.request('GET', `/items/${itemId}`);
    expect(res.statusCode).toBe(401);
    expect(res.headers['www-authenticate']).toContain('Bearer');
  });

  it('skips verification only where composed: the open app sets no rate-limit headers', async () => {
    const verified = await h.request('GET', `/items/${itemId}`, { token: h.adminSecret });
    const unverified = await open.inject({ method: 'GET', url: `/items/${itemId}` });
    expect(verified.headers['x-ratelimit-limit']).toBeDefined();
    expect(unverified.headers['x-ratelimit-limit']).toBeUndefined();
  });
});
