import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { loadConfig } from '../../src/config.ts';
import { demoCommands, prepareDemo, type DemoSeed } from '../../src/cli/demo.ts';
import type { Runtime } from '../../src/cli/runtime.ts';
import { buildApp } from '../../src/http/app.ts';
import { SERVER_MODULES } from '../../src/cli/serve.ts';

/** Turns one printed curl command back into a request: URL, -H headers, -d body. */
function parseCurl(command: string) {
  const flat = command.replace(/\\\n\s*/g, ' ');
  const url = /curl -s '?(http:\/\/[^\s']+)'?/.exec(flat)![1]!;
  const headers = Object.fromEntries([...flat.matchAll(/-H '([^:]+): ([^']*)'/g)].map((m) => [m[1]!.toLowerCase(), m[2]!]));
  const body = /-d '([^']*)'/.exec(flat)?.[1];
  return { url: new URL(url), headers, body };
}

describe('latchkey demo', () => {
  let dir: string;
  let runtime: Runtime;
  let seed: DemoSeed;
  let app: FastifyInstance;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'latchkey-demo-'));
    ({ runtime, seed } = await prepareDemo(loadConfig({ dataDir: dir, logLevel: 'silent' }, {})));
    app = await buildApp(runtime.deps, { extraRoutes: SERVER_MODULES });
  });
  afterAll(async () => {
    await app.close();
    await runtime.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('prints commands that do what their titles say', async () => {
    const results = [];
    for (const { title, command } of demoCommands(seed, 'http://127.0.0.1:7700')) {
      const { url, headers, body } = parseCurl(command);
      const res = await app.inject({
        method: body === undefined ? 'GET' : 'POST',
        url: url.pathname + url.search,
        // curl -d sends a form content type; the delivery API reads any body as JSON.
        headers: { ...headers, ...(body !== undefined ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
        ...(body !== undefined ? { payload: body } : {}),
      });
      results.push({ title, status: res.statusCode, json: res.json() });
    }
    expect(results.map((r) => r.status)).toEqual([200, 200, 401, 200, 200, 200, 401, 200]);
    const [published, drafts, , tree, journal, outside, , cma] = results;
    const titles = (r: typeof published) => r!.json.data.allArticles.map((a: { title: string }) => a.title);
    expect(titles(published)).not.toContain('Winter pruning');
    expect(titles(drafts)).toContain('Winter pruning');
    expect(published!.json.data._allArticlesMeta.count + 1).toBe(drafts!.json.data._allArticlesMeta.count);
    expect(tree!.json.data.website._children.map((c: { title: string }) => c.title)).toEqual(['About us', 'Journal']);
    expect(journal!.json.data).toMatchObject({ _allArticlesMeta: { count: 3 }, allWebsites: [] });
    expect(outside!.json.errors[0].extensions).toMatchObject({ code: 'INSUFFICIENT_PERMISSIONS', details: { layer: 'scope' } });
    expect(cma!.json.meta.total_count).toBeGreaterThan(3);
  });

  it('recreates its own directory but refuses one holding another project', async () => {
    const again = await prepareDemo(loadConfig({ dataDir: dir, logLevel: 'silent' }, {}));
    expect(again.seed.tokens.readonly).not.toBe(seed.tokens.readonly);
    await again.runtime.close();
    const other = mkdtempSync(join(tmpdir(), 'latchkey-real-'));
    try {
      const config = loadConfig({ dataDir: other, logLevel: 'silent' }, {});
      const { createRuntime } = await import('../../src/cli/runtime.ts');
      const real = await createRuntime(config);
      await real.init();
      await real.close();
      await expect(prepareDemo(config)).rejects.toThrow(/not a demo/);
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });
});
