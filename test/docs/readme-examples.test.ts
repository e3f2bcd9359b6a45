/**
 * The README, run as a new user runs it: a fresh server started with `npm start`, then every curl
 * example of the README in order with the shell variables the README defines, each answering what
 * the README promises. The demo's examples run against `npm run demo`.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, startServer, type Server } from '../cli/process.ts';
import { curlExamples, kept, runExample, shellVariables, type Example } from './examples.ts';

const README = readFileSync(join(ROOT, 'README.md'), 'utf8');
const examples = curlExamples(README);

/** The variables a reader's shell holds: those the README exports, with the secrets the server printed. */
function definedVariables(markdown: string): Set<string> {
  return new Set([...markdown.matchAll(/^export ([A-Z_][A-Z0-9_]*)=/gm)].map((m) => m[1]!));
}

/** A factory or demo secret from a start banner, by the label the banner prints before it. */
function secretAfter(stdout: string, label: RegExp): string {
  for (const line of stdout.split('\n')) {
    if (label.test(line)) {
      const secret = /\blk_[A-Za-z0-9]+/.exec(line)?.[0];
      if (secret) return secret;
    }
  }
  throw new Error(`no secret labelled ${label} in:\n${stdout}`);
}

async function runAll(list: readonly Example[], variables: Record<string, string>): Promise<string[]> {
  const broken: string[] = [];
  for (const example of list) {
    const outcome = await runExample(example, variables);
    if (!kept(example, outcome)) {
      broken.push(`README.md:${example.line} promised ${example.status ?? '2xx'}, got ${outcome.status}\n  ${example.command}\n  ${outcome.body.slice(0, 400)}`);
    }
  }
  return broken;
}

describe('the README examples', () => {
  it('are found, and every variable they use is one the README defines or the start banner prints', () => {
    expect(examples.length).toBeGreaterThan(40);
    const defined = definedVariables(README);
    for (const example of examples) {
      for (const name of shellVariables(example.command)) {
        expect(defined.has(name), `README.md:${example.line} uses $${name}, which the README never exports`).toBe(true);
      }
    }
  });

  describe('on a fresh project (npm start)', () => {
    let server: Server;
    let dataDir: string;
    beforeAll(async () => {
      dataDir = mkdtempSync(join(tmpdir(), 'latchkey-readme-'));
      server = await startServer(['--', '--port', '0'], { LATCHKEY_DATA_DIR: dataDir, LATCHKEY_LOG_LEVEL: 'warn' }, { command: ['npm', 'start'], timeoutMs: 60_000 });
    }, 90_000);
    afterAll(async () => {
      await server?.stop();
      rmSync(dataDir, { recursive: true, force: true });
    });

    it('answer, top to bottom, as the README says', async () => {
      const variables = {
        LK: server.url,
        TOKEN: secretAfter(server.stdout, /Full-access API token/),
        READONLY: secretAfter(server.stdout, /Read-only API token/),
      };
      const broken = await runAll(
        examples.filter((e) => e.dataSet === 'fresh'),
        variables,
      );
      expect(broken, broken.join('\n\n')).toEqual([]);
    }, 180_000);
  });

  describe('on the demo project (npm run demo)', () => {
    let server: Server;
    let dataDir: string;
    beforeAll(async () => {
      dataDir = mkdtempSync(join(tmpdir(), 'latchkey-readme-demo-'));
      server = await startServer(['--', '--port', '0', '--data-dir', dataDir], { LATCHKEY_LOG_LEVEL: 'warn' }, { command: ['npm', 'run', 'demo'], timeoutMs: 60_000 });
    }, 90_000);
    afterAll(async () => {
      await server?.stop();
      rmSync(dataDir, { recursive: true, force: true });
    });

    it('answer as the README says', async () => {
      const demo = examples.filter((e) => e.dataSet === 'demo');
      expect(demo.length).toBeGreaterThan(0);
      const variables = {
        LK: server.url,
        READONLY: secretAfter(server.stdout, /^\s*export READONLY=/),
        PREVIEW: secretAfter(server.stdout, /^\s*export PREVIEW=/),
        JOURNAL: secretAfter(server.stdout, /^\s*export JOURNAL=/),
      };
      const broken = await runAll(demo, variables);
      expect(broken, broken.join('\n\n')).toEqual([]);
    }, 120_000);
  });
});
