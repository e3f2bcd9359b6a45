/**
 * The `latchkey` command line as an operator uses it: first start, restart, bootstrap secrets from
 * the environment, and offline token administration straight on the store.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { POSTGRES_URL } from '../support/databases.ts';
import { ROOT, run, startServer, whoAmI, type Server } from './process.ts';

const SECRET = /lk_[0-9A-Za-z]{36}/g;
const dirs: string[] = [];
const servers: Server[] = [];

function dataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'latchkey-cli-'));
  dirs.push(dir);
  return dir;
}

async function serve(dir: string, env: Record<string, string> = {}): Promise<Server> {
  const server = await startServer(['--data-dir', dir], env);
  servers.push(server);
  return server;
}

/** Stops a server now (rather than after the test) and returns all it printed. */
async function halt(server: Server) {
  servers.splice(servers.indexOf(server), 1);
  return server.stop();
}

/** The two secrets printed on first start, by label. */
function factorySecrets(stdout: string): { admin: string; readonly: string } {
  const admin = /Full-access API token.*?(lk_[0-9A-Za-z]{36})/.exec(stdout)?.[1];
  const readonly = /Read-only API token.*?(lk_[0-9A-Za-z]{36})/.exec(stdout)?.[1];
  if (!admin || !readonly) throw new Error(`no factory secrets in:\n${stdout}`);
  return { admin, readonly };
}

/** Every byte Latchkey keeps on disk, to prove a secret is not among them. */
function storedBytes(dir: string): string {
  return readdirSync(dir)
    .map((name) => readFileSync(join(dir, name)).toString('latin1'))
    .join('\n');
}

afterEach(async () => {
  for (const server of servers.splice(0)) await server.stop();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('latchkey serve', { timeout: 90_000 }, () => {
  it('prints both factory secrets once on first start, with the URL, and none on the next start', async () => {
    const dir = dataDir();
    const first = await serve(dir);
    const secrets = factorySecrets(first.stdout);
    expect(first.stdout.match(SECRET)).toHaveLength(2);
    expect(first.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);

    const me = await whoAmI(first.url, secrets.admin);
    expect(me.status).toBe(200);
    expect(me.body.data).toMatchObject({ type: 'access_token', attributes: { hardcoded_type: 'admin' } });
    // The read-only token has no CMA access, as on DatoCMS.
    expect((await whoAmI(first.url, secrets.readonly)).status).toBe(401);
    const stopped = await halt(first);
    expect(stopped.stdout.match(SECRET)).toHaveLength(2);

    const second = await serve(dir);
    expect(second.stdout).not.toMatch(SECRET);
    expect((await whoAmI(second.url, secrets.admin)).status).toBe(200);
    const output = await halt(second);
    expect(output.stdout + output.stderr).not.toMatch(SECRET);
    expect(storedBytes(dir)).not.toContain(secrets.admin);
  });

  it('seeds the factory secrets from LATCHKEY_BOOTSTRAP_*_TOKEN, prints neither, and stores them hashed', async () => {
    const dir = dataDir();
    const admin = 'ci-admin-0123456789abcdefghijklmnop';
    const readonly = 'ci-readonly-0123456789abcdefghijklm';
    const server = await serve(dir, { LATCHKEY_BOOTSTRAP_ADMIN_TOKEN: admin, LATCHKEY_BOOTSTRAP_READONLY_TOKEN: readonly });
    expect(server.stdout).not.toContain(admin);
    expect(server.stdout).not.toContain(readonly);
    expect(server.stdout).toContain('LATCHKEY_BOOTSTRAP');
    const me = await whoAmI(server.url, admin);
    expect(me.status).toBe(200);
    expect(me.body.data).toMatchObject({ attributes: { hardcoded_type: 'admin', token: admin } });
    const list = await fetch(`${server.url}/access_tokens`, { headers: { authorization: `Bearer ${admin}` }, signal: AbortSignal.timeout(10_000) });
    const tokens = ((await list.json()) as { data: { attributes: { hardcoded_type: string; token: string } }[] }).data;
    expect(tokens.find((t) => t.attributes.hardcoded_type === 'readonly')?.attributes.token).toBe(readonly);
    await halt(server);
    const bytes = storedBytes(dir);
    expect(bytes).not.toContain(admin);
    expect(bytes).not.toContain(readonly);
  });

  it('refuses to start with a bootstrap secret that could never authenticate', async () => {
    const dir = dataDir();
    for (const value of ['short', 'has spaces in it but is long enough', 'lk_thisLooksLikeOursButHasNoValidChecksum1']) {
      const result = await run(['serve', '--port', '0', '--data-dir', dir], { LATCHKEY_BOOTSTRAP_ADMIN_TOKEN: value });
      expect(result.code, result.stdout).not.toBe(0);
      expect(result.stderr).toContain('LATCHKEY_BOOTSTRAP_ADMIN_TOKEN');
      expect(result.stderr).not.toContain(value);
    }
    // Nothing was initialised: a later start with a good value still seeds it.
    const good = 'good-bootstrap-secret-0123456789';
    const server = await serve(dir, { LATCHKEY_BOOTSTRAP_ADMIN_TOKEN: good });
    expect((await whoAmI(server.url, good)).status).toBe(200);
  });

  it('is what npm start runs', async () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
      bin: Record<string, string>;
      dependencies: Record<string, string>;
    };
    expect(pkg.scripts.start).toBe('node bin/latchkey.js serve');
    expect(pkg.bin.latchkey).toBe('bin/latchkey.js');
    // The compiled JavaScript runs as it is: no TypeScript loader at run time.
    expect(pkg.scripts.prepare).toContain('npm run build');
    expect(pkg.dependencies.tsx).toBeUndefined();
    expect(readFileSync(join(ROOT, 'bin/latchkey.js'), 'utf8')).toContain("'../dist/cli/main.js'");
    const dir = dataDir();
    const server = await startServer(['--', '--port', '0', '--data-dir', dir], {}, { command: ['npm', 'start', '--silent'] });
    servers.push(server);
    const { admin } = factorySecrets(server.stdout);
    expect((await whoAmI(server.url, admin)).status).toBe(200);
  });
});

describe('latchkey init, migrate and tokens', { timeout: 120_000 }, () => {
  it('initialises once, migrates idempotently, and never prints a secret twice', async () => {
    const dir = dataDir();
    const init = await run(['init', '--data-dir', dir]);
    expect(init.code, init.stderr).toBe(0);
    const secrets = factorySecrets(init.stdout);
    const again = await run(['init', '--data-dir', dir]);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('Already initialised');
    expect(again.stdout).not.toMatch(SECRET);
    const migrate = await run(['migrate', '--data-dir', dir]);
    expect(migrate.code, migrate.stderr).toBe(0);
    expect(migrate.stdout).toContain('up to date');

    const server = await serve(dir);
    expect(server.stdout).not.toMatch(SECRET);
    expect((await whoAmI(server.url, secrets.admin)).status).toBe(200);
  });

  it('creates, lists, rotates, disables, enables and deletes tokens offline', async () => {
    const dir = dataDir();
    expect((await run(['init', '--data-dir', dir])).code).toBe(0);

    const created = await run(['tokens', 'create', '--data-dir', dir, '--name', 'Break glass', '--cma']);
    expect(created.code, created.stderr).toBe(0);
    const secret = /secret: (lk_[0-9A-Za-z]{36})/.exec(created.stdout)?.[1];
    if (!secret) throw new Error(`no secret in:\n${created.stdout}`);
    const id = /^\s*(\d+)\s/.exec(created.stdout)?.[1];
    if (!id) throw new Error(`no id in:\n${created.stdout}`);

    const list = await run(['tokens', 'list', '--data-dir', dir]);
    expect(list.code).toBe(0);
    expect(list.stdout).toContain('Break glass');
    expect(list.stdout).toContain('Full-access API token');
    expect(list.stdout).not.toMatch(SECRET);
    expect(list.stdout).toMatch(new RegExp(`^\\s*${id}\\s.*enabled.*cma.*Break glass$`, 'm'));

    const rotated = await run(['tokens', 'rotate', id, '--data-dir', dir]);
    expect(rotated.code, rotated.stderr).toBe(0);
    const fresh = /secret: (lk_[0-9A-Za-z]{36})/.exec(rotated.stdout)?.[1];
    expect(fresh).toBeDefined();
    expect(fresh).not.toBe(secret);

    const disabled = await run(['tokens', 'disable', id, '--data-dir', dir]);
    expect(disabled.code, disabled.stderr).toBe(0);
    expect(disabled.stdout).toContain('disabled');

    let server = await serve(dir);
    expect((await whoAmI(server.url, secret)).status).toBe(401);
    const refused = await whoAmI(server.url, fresh as string);
    expect(refused.status).toBe(401);
    expect(refused.body).toMatchObject({ data: [{ attributes: { code: 'INVALID_AUTHORIZATION_HEADER', details: { reason: 'disabled' } } }] });
    await halt(server);

    const enabled = await run(['tokens', 'enable', id, '--data-dir', dir]);
    expect(enabled.code, enabled.stderr).toBe(0);
    expect(enabled.stdout).toContain('enabled');
    server = await serve(dir);
    expect((await whoAmI(server.url, fresh as string)).status).toBe(200);
    await halt(server);

    const deleted = await run(['tokens', 'delete', id, '--data-dir', dir]);
    expect(deleted.code, deleted.stderr).toBe(0);
    expect(deleted.stdout).toContain('deleted');
    expect((await run(['tokens', 'list', '--data-dir', dir])).stdout).not.toContain('Break glass');
    server = await serve(dir);
    expect((await whoAmI(server.url, fresh as string)).status).toBe(401);
  });

  it('reports an unknown token id without a stack trace', async () => {
    const dir = dataDir();
    expect((await run(['init', '--data-dir', dir])).code).toBe(0);
    for (const command of ['rotate', 'disable', 'enable', 'delete']) {
      const result = await run(['tokens', command, '424242', '--data-dir', dir]);
      expect(result.code, command).toBe(1);
      expect(result.stderr, command).toMatch(/^latchkey: NOT_FOUND: /);
      expect(result.stderr).not.toContain('    at ');
    }
  });
});

/** PostgreSQL instead of the embedded SQLite, in schemas of their own (dropped afterwards). */
for (const url of POSTGRES_URL ? [POSTGRES_URL] : []) {
  describe('latchkey on PostgreSQL', { timeout: 90_000 }, () => {
    const schemas: string[] = [];
    const admin = new pg.Client({ connectionString: url });
    const schemaUrl = (schema: string) => `${url}${url.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${schema}`)}`;

    beforeAll(() => admin.connect());
    afterAll(async () => {
      for (const schema of schemas) await admin.query(`drop schema if exists ${schema} cascade`);
      await admin.end();
    });

    async function schema(): Promise<string> {
      const name = `lk_cli_${randomBytes(6).toString('hex')}`;
      schemas.push(name);
      await admin.query(`create schema ${name}`);
      return name;
    }

    it('migrates and serves in its own schema even when another schema of the database has been migrated', async () => {
      const other = await schema();
      const migrated = await run(['migrate', '--database-url', schemaUrl(other)]);
      expect(migrated.code, migrated.stderr).toBe(0);

      const mine = await schema();
      const server = await startServer(['--database-url', schemaUrl(mine), '--data-dir', dataDir()]);
      servers.push(server);
      const { admin: secret } = factorySecrets(server.stdout);
      expect((await whoAmI(server.url, secret)).status).toBe(200);
      const tables = await admin.query<{ table_name: string }>('select table_name from information_schema.tables where table_schema = $1', [mine]);
      expect(tables.rows.map((r) => r.table_name)).toEqual(expect.arrayContaining(['access_tokens', 'roles', 'kysely_migration']));
    });
  });
}
