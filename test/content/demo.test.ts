import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { loadConfig } from '../../src/config.ts';
import { demoCommands, demoVariables, prepareDemo, type DemoSeed } from '../../src/cli/demo.ts';
import type { Runtime } from '../../src/cli/runtime.ts';
import { buildApp } from '../../src/http/app.ts';
import { SERVER_MODULES } from '../../src/cli/serve.ts';

/**
 * Turns one printed curl command back into a request (URL, -H headers, -d body), with the printed
 * variables filled in as a shell would.
 */
function parseCurl(command: string, variables: Readonly<Record<string, string>>) {
  const flat = command.replace(/\\\n\s*/g, ' ').replace(/\$([A-Z]+)/g, (_m, name: string) => variables[name] ?? '');
  const url = /curl -s (?:-g )?['"]?(http:\/\/[^\s'"]+)['"]?/.exec(flat)![1]!;
  const headers = Object.fromEntries([...flat.matchAll(/-H (['"])([^:]+): ([^'"]*)\1/g)].map((m) => [m[2]!.toLowerCase(), m[3]!]));
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
    const variables = demoVariables(seed, 'http://127.0.0.1:7700');
    for (const { title, command } of demoCommands(seed)) {
      const { url, headers, body } = parseCurl(command, variables);
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
