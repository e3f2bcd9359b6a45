/**
 * The README and the docs, run as a new user runs them: a fresh server started with `npm start`,
 * then every curl example of the page in order with the shell variables the README defines, each
 * answering what the page promises. Examples marked as the demo's run against `npm run demo`.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, startServer, type Server } from '../cli/process.ts';
import { curlExamples, kept, runExample, shellVariables, type Example } from './examples.ts';

const README = readFileSync(join(ROOT, 'README.md'), 'utf8');
/** Every page with curl examples: the README first, then the docs. */
const PAGES = [
  'README.md',
  ...readdirSync(join(ROOT, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .map((name) => `docs/${name}`),
]
  .map((path) => ({ path, examples: curlExamples(readFileSync(join(ROOT, path), 'utf8')) }))
  .filter((page) => page.examples.length > 0);

/** The variables a reader's shell holds: those the README exports (secrets come from the start banners). */
const DEFINED = new Set([...README.matchAll(/^export ([A-Z_][A-Z0-9_]*)=/gm)].map((m) => m[1]!));

/** A secret from a start banner, on the line the label matches. */
function secretAfter(stdout: string, label: RegExp): string {
  for (const line of stdout.split('\n')) {
    if (label.test(line)) {
      const secret = /\blk_[A-Za-z0-9]+/.exec(line)?.[0];
      if (secret) return secret;
    }
  }
  throw new Error(`no secret labelled ${label} in:\n${stdout}`);
}

/** Runs a page's examples in order; what broke its promise, described. */
async function runAll(path: string, list: readonly Example[], variables: Record<string, string>): Promise<string[]> {
  const broken: string[] = [];
  for (const example of list) {
    const outcome = await runExample(example, variables);
    let problem = kept(example, outcome) ? null : `promised ${example.status ?? '2xx'}, got ${outcome.status}`;
    if (!problem && outcome.body !== '') {
      try {
        JSON.parse(outcome.body);
      } catch {
        problem = 'answered with a body that is not JSON';
      }
    }
    if (problem) broken.push(`${path}:${example.line} ${problem}\n  ${example.command}\n  ${outcome.body.slice(0, 400)}`);
  }
  return broken;
}

describe('the examples of the README and the docs', () => {
  it('are found, and every variable they use is one the README defines', () => {
    expect(PAGES.find((p) => p.path === 'README.md')?.examples.length).toBeGreaterThan(40);
    for (const { path, examples } of PAGES) {
      for (const example of examples) {
        for (const name of shellVariables(example.command)) {
          expect(DEFINED.has(name), `${path}:${example.line} uses $${name}, which the README never exports`).toBe(true);
        }
      }
    }
  });

  // Each page starts from a fresh project of its own, as its reader would.
  for (const { path, examples } of PAGES) {
    const fresh = examples.filter((e) => e.dataSet === 'fresh');
    if (fresh.length === 0) continue;
    describe(`${path}, on a fresh project (npm start)`, () => {
      let server: Server;
      let dataDir: string;
      beforeAll(async () => {
        dataDir = mkdtempSync(join(tmpdir(), 'latchkey-examples-'));
        server = await startServer(
          ['--', '--port', '0'],
          { LATCHKEY_DATA_DIR: dataDir, LATCHKEY_LOG_LEVEL: 'warn' },
          { command: ['npm', 'start'], timeoutMs: 60_000 },
        );
      }, 90_000);
      afterAll(async () => {
        await server?.stop();
        rmSync(dataDir, { recursive: true, force: true });
      });

      it('answer, top to bottom, as the page says', async () => {
        const variables = {
          LK: server.url,
          TOKEN: secretAfter(server.stdout, /Full-access API token/),
          READONLY: secretAfter(server.stdout, /Read-only API token/),
        };
        const broken = await runAll(path, fresh, variables);
        expect(broken, broken.join('\n\n')).toEqual([]);
      }, 180_000);
    });
  }

  describe('on the demo project (npm run demo)', () => {
    let server: Server;
    let dataDir: string;
    beforeAll(async () => {
      dataDir = mkdtempSync(join(tmpdir(), 'latchkey-examples-demo-'));
      server = await startServer(
        ['--', '--port', '0', '--dir', dataDir],
        { LATCHKEY_LOG_LEVEL: 'warn' },
        { command: ['npm', 'run', 'demo'], timeoutMs: 60_000 },
      );
    }, 90_000);
    afterAll(async () => {
      await server?.stop();
      rmSync(dataDir, { recursive: true, force: true });
    });

    it('answer as the pages say, with the variables the demo prints', async () => {
      const demo = PAGES.flatMap(({ path, examples }) => examples.filter((e) => e.dataSet === 'demo').map((e) => ({ path, e })));
      expect(demo.length).toBeGreaterThan(0);
      const variables = {
        LK: server.url,
        ...Object.fromEntries(
          ['READONLY', 'PREVIEW', 'JOURNAL', 'TOKEN'].map((name) => [name, secretAfter(server.stdout, new RegExp(`^\\s*export ${name}=`))]),
        ),
      };
      const broken: string[] = [];
      for (const { path, e } of demo) broken.push(...(await runAll(path, [e], variables)));
      expect(broken, broken.join('\n\n')).toEqual([]);
    }, 120_000);
  });
});
