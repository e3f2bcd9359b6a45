import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { loadConfig } from '../../src/config.ts';
import { createRuntime, type Runtime } from '../../src/cli/runtime.ts';
import { SERVER_MODULES } from '../../src/cli/serve.ts';
import { buildApp } from '../../src/http/app.ts';
import { createScaleStore, growScaleStore, middleInScope, visibleCounts, type ScaleStore } from '../../bench/lib/content-seed.ts';
import { SCALE_QUERIES, type Expectation } from '../../bench/lib/content-queries.ts';
import { tempDir } from '../../bench/lib/seed.ts';

// The content-scale benchmark writes most of its records straight into the store. Its numbers
// only mean something if the app reads those rows as its own, and its answer checks only protect
// a faster implementation from measuring wrong answers if they accept right ones and refuse a leak.
describe('the content-scale benchmark store', () => {
  const RECORDS = 120;
  let store: ScaleStore;
  let runtime: Runtime;
  let app: FastifyInstance;

  beforeAll(async () => {
    store = await createScaleStore(tempDir('test-content'));
    // Grown in two steps, as the suite grows its levels.
    growScaleStore(store, RECORDS / 2);
    growScaleStore(store, RECORDS);
    runtime = await createRuntime(loadConfig({ dataDir: store.dataDir, logLevel: 'silent' }, {}));
    app = await buildApp(runtime.deps, { extraRoutes: SERVER_MODULES });
  });
  afterAll(async () => {
    await app?.close();
    await runtime?.close();
    if (store) rmSync(store.dataDir, { recursive: true, force: true });
  });

  const expectation = (token: 'unscoped' | 'scoped'): Expectation => {
    const target = middleInScope(RECORDS);
    return { visible: visibleCounts(RECORDS)[token], targetIndex: target, targetId: String(store.firstArticleId + target) };
  };

  const ask = async (name: string, token: 'unscoped' | 'scoped') => {
    const query = SCALE_QUERIES.find((q) => q.name === name)!;
    const r = query.request(expectation(token));
    const response = await app.inject({
      method: r.method,
      url: r.path,
      headers: { authorization: `Bearer ${store.secrets[token]}`, ...(r.body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(r.body !== undefined ? { payload: r.body } : {}),
    });
    expect(response.statusCode).toBe(200);
    return { query, body: response.json() as unknown };
  };

  it('gives the scoped token a tenth of the records', () => {
    expect(visibleCounts(RECORDS)).toEqual({ unscoped: RECORDS, scoped: RECORDS / 10 });
  });

  for (const token of ['unscoped', 'scoped'] as const) {
    it(`answers every query right for the ${token} token`, async () => {
      for (const { name } of SCALE_QUERIES) {
        const { query, body } = await ask(name, token);
        expect({ name, wrong: query.check(body, expectation(token)) }).toEqual({ name, wrong: null });
      }
    });
  }

  it('refuses answers that include records outside the scoped token’s subtree', async () => {
    // The unscoped token's answers are what a scope leak would look like to the scoped token.
    for (const name of ['count', 'cma-page']) {
      const { query, body } = await ask(name, 'unscoped');
      expect(query.check(body, expectation('scoped'))).toMatch(/expected 12/);
    }
  });
});
