/**
 * Settings from the environment (the demo included) and the one-line refusals an operator gets
 * instead of a stack trace: a port in use, a data directory that cannot be used, keys that are
 * malformed or do not open the stored secrets, a database that cannot be reached.
 */
import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { minimalEnv, ROOT, run, startServer, whoAmI, type RunResult, type Server } from './process.ts';

const dirs: string[] = [];
const servers: Server[] = [];

function dataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'latchkey-settings-'));
  dirs.push(dir);
  return dir;
}

async function serve(args: readonly string[], env: Record<string, string> = {}): Promise<Server> {
  const server = await startServer(args, env);
  servers.push(server);
  return server;
}

afterEach(async () => {
  for (const server of servers.splice(0)) await server.stop();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** Exit status 1 and exactly one line on stderr, saying `pattern`, with no stack trace. */
function expectOneLine(result: RunResult, pattern: RegExp): void {
  expect(result.code, result.stderr).toBe(1);
  expect(result.stderr.trimEnd().split('\n'), result.stderr).toHaveLength(1);
  expect(result.stderr).toMatch(/^latchkey: /);
  expect(result.stderr).toMatch(pattern);
  expect(result.stderr).not.toContain('    at ');
}

const FACTORY_ADMIN = /Full-access API token.*?(lk_[0-9A-Za-z]{36})/;

describe('settings from the environment', { timeout: 90_000 }, () => {
  it('the demo takes its port and host from LATCHKEY_PORT / LATCHKEY_HOST, flags first, and never a real project’s data directory', async () => {
    const dir = join(dataDir(), 'demo');
    const project = dataDir();
    const fromEnv = await run(['demo', '--no-serve', '--dir', dir], { LATCHKEY_PORT: '7788', LATCHKEY_HOST: '127.0.0.2', LATCHKEY_DATA_DIR: project });
    expect(fromEnv.code, fromEnv.stderr).toBe(0);
    expect(fromEnv.stdout).toContain('export LK=http://127.0.0.2:7788');
    expect(fromEnv.stdout).toContain(`an example site in ${dir}`);

    const flags = await run(['demo', '--no-serve', '--dir', dir, '--port', '7799', '--host', '127.0.0.1'], {
      LATCHKEY_PORT: '7788',
      LATCHKEY_HOST: '127.0.0.2',
    });
    expect(flags.code, flags.stderr).toBe(0);
    expect(flags.stdout).toContain('export LK=http://127.0.0.1:7799');
    expect(flags.stdout).not.toContain('7788');
  });

  it('the demo serves on LATCHKEY_PORT', async () => {
    const dir = join(dataDir(), 'demo');
    const server = await startServer([], { LATCHKEY_PORT: '0' }, { command: [process.execPath, 'bin/latchkey.js', 'demo', '--dir', dir] });
    servers.push(server);
    // Port 0 asks the system for a free port: the demo did not fall back to its default 7700.
    expect(server.url).not.toMatch(/:7700$/);
    expect((await fetch(`${server.url}/graphql`, { method: 'POST' })).status).toBe(401);
  });

  it('applies the default rate limit of a surface from LATCHKEY_CMA_RATE_LIMIT', async () => {
    const server = await serve(['--data-dir', dataDir()], { LATCHKEY_CMA_RATE_LIMIT: '2/60' });
    const admin = FACTORY_ADMIN.exec(server.stdout)?.[1] as string;
    expect((await whoAmI(server.url, admin)).status).toBe(200);
    expect((await whoAmI(server.url, admin)).status).toBe(200);
    expect((await whoAmI(server.url, admin)).status).toBe(429);
  });

  it('refuses a malformed rate limit, naming the variable', async () => {
    const result = await run(['serve', '--port', '0', '--data-dir', dataDir()], { LATCHKEY_CDA_RATE_LIMIT: '40 per second' });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('LATCHKEY_CDA_RATE_LIMIT: must be REQUESTS/SECONDS');
    expect(result.stderr).not.toContain('    at ');
  });
});

describe('one-line refusals', { timeout: 90_000 }, () => {
  it('a port already in use', async () => {
    const first = await serve(['--data-dir', dataDir()]);
    const port = new URL(first.url).port;
    expectOneLine(
      await run(['serve', '--port', port, '--data-dir', dataDir()]),
      new RegExp(`127\\.0\\.0\\.1:${port} is already in use.*--port or LATCHKEY_PORT`),
    );
  });

  it('a data directory that cannot be created or written', async () => {
    const parent = dataDir();
    const file = join(parent, 'a-file');
    writeFileSync(file, 'not a directory\n');
    expectOneLine(await run(['serve', '--port', '0', '--data-dir', file]), /cannot use the data directory .*a-file .*a file is in the way/);
    expectOneLine(await run(['tokens', 'list', '--data-dir', join(file, 'data')]), /cannot use the data directory .*a-file\/data .*not a directory/);
  });

  it('an SQLite file that is not a database', async () => {
    const dir = dataDir();
    writeFileSync(join(dir, 'latchkey.db'), 'x'.repeat(4096));
    expectOneLine(await run(['tokens', 'list', '--data-dir', dir]), /cannot open the SQLite database .*latchkey\.db: file is not a database/);
  });

  it('a malformed key file or LATCHKEY_ENCRYPTION_KEYS', async () => {
    const dir = dataDir();
    writeFileSync(join(dir, 'secret.key'), 'not a key\n');
    expectOneLine(await run(['serve', '--port', '0', '--data-dir', dir]), /the key file .*secret\.key is not a valid key ring/);
    expectOneLine(
      await run(['init', '--data-dir', dataDir()], { LATCHKEY_ENCRYPTION_KEYS: '1:tooshort' }),
      /LATCHKEY_ENCRYPTION_KEYS is not a valid key ring: .*32 bytes/,
    );
  });

  it('a key file that does not open the stored secrets (lost and recreated, or another project’s)', async () => {
    const dir = dataDir();
    expect((await run(['init', '--data-dir', dir])).code).toBe(0);
    rmSync(join(dir, 'secret.key'));
    expectOneLine(
      await run(['serve', '--port', '0', '--data-dir', dir]),
      /the key file .*secret\.key does not open the stored secrets \(token \d+ is sealed with key v1\)/,
    );
    const otherKeys = `1:${Buffer.alloc(32, 9).toString('base64')}`;
    expectOneLine(
      await run(['serve', '--port', '0', '--data-dir', dir], { LATCHKEY_ENCRYPTION_KEYS: otherKeys }),
      /LATCHKEY_ENCRYPTION_KEYS does not open the stored secrets/,
    );
  });

  it('a database that cannot be reached: one-shot commands stop, the server says so once and keeps waiting', async () => {
    const url = 'postgres://latchkey:hunter2-password@127.0.0.1:1/latchkey';
    const once = await run(['tokens', 'list', '--database-url', url]);
    expectOneLine(once, /cannot reach the database: .*ECONNREFUSED/);
    expect(once.stderr).not.toContain('hunter2');

    const child = spawn(process.execPath, ['bin/latchkey.js', 'serve', '--port', '0', '--database-url', url], {
      cwd: ROOT,
      env: minimalEnv(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    try {
      const deadline = Date.now() + 20_000;
      while (!stderr.includes('\n') && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
      expect(stderr).toMatch(/^latchkey: cannot reach the database \(.*ECONNREFUSED.*\); retrying until it answers/);
      // Still waiting a few retries later, and it said so only once.
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      expect(child.exitCode).toBeNull();
      expect(stderr.trimEnd().split('\n')).toHaveLength(1);
      expect(stderr).not.toContain('hunter2');
    } finally {
      child.kill('SIGKILL');
    }
  });
});

describe('the compiled entry point', () => {
  it('says how to build when dist/ is missing', async () => {
    const copy = dataDir();
    mkdirSync(join(copy, 'bin'));
    copyFileSync(join(ROOT, 'bin/latchkey.js'), join(copy, 'bin/latchkey.js'));
    const result = await new Promise<RunResult>((resolve) => {
      const child = spawn(process.execPath, [join(copy, 'bin/latchkey.js'), '--help'], { env: minimalEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });
    expectOneLine(result, /not built yet .*npm run build/);
  });
});
