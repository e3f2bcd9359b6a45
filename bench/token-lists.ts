/**
 * What a list of many tokens costs: a project with N tokens (100,000 by default) written straight
 * into a fresh SQLite database, each with a sealed secret as the API would store it, then one
 * `latchkey serve` process asked for a page and for the whole list. Reports time, bytes and the
 * server's resident memory after each request (loopback only; the data directory is temporary).
 *
 *   npx tsx bench/token-lists.ts [--tokens 100000]
 */
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { sealSecret } from '../src/core/secret-box.ts';
import { loadKeyRing } from '../src/runtime/key-file.ts';
import { DATABASE_FILE } from '../src/cli/runtime.ts';

const { values } = parseArgs({ options: { tokens: { type: 'string', default: '100000' } } });
const TOKENS = Math.max(1, Number(values.tokens));
const ADMIN = `bench-${randomBytes(12).toString('hex')}`;
const BIN = join(import.meta.dirname, '..', 'bin', 'latchkey.js');

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'latchkey-lists-'));
  const env = { ...process.env, LATCHKEY_DATA_DIR: dataDir, LATCHKEY_BOOTSTRAP_ADMIN_TOKEN: ADMIN, LATCHKEY_LOG_LEVEL: 'silent' };
  try {
    await new Promise<void>((resolve, reject) =>
      spawn('node', [BIN, 'init'], { env, stdio: 'ignore' }).on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`init exited ${code}`)))),
    );
    const ring = loadKeyRing(dataDir, undefined);
    const db = new Database(join(dataDir, DATABASE_FILE));
    const { id: roleId } = db.prepare('select id from roles order by id limit 1').get() as { id: number };
    const insert = db.prepare(`insert into access_tokens (name, secret_hash, display_key, can_access_cda, can_access_cda_preview,
      can_access_cma, role_id, permissions, root_node_ids, enabled, created_at, updated_at)
      values (?, ?, ?, 1, 0, 0, ?, '["content:read"]', '[]', 1, ?, ?)`);
    const seal = db.prepare('update access_tokens set sealed_secret = ? where id = ?');
    const now = new Date().toISOString();
    db.transaction(() => {
      for (let i = 0; i < TOKENS; i++) {
        const secret = `lk_${randomBytes(27).toString('base64url').slice(0, 36)}`;
        const hash = createHash('sha256').update(secret).digest('hex');
        const id = insert.run(`Token ${i}`, hash, `${secret.slice(0, 6)}…${secret.slice(-4)}`, roleId, now, now).lastInsertRowid;
        seal.run(sealSecret(ring, secret, String(id), randomBytes), id);
      }
    })();
    db.close();

    const port = await freePort();
    const server = spawn('node', [BIN, 'serve', '--port', String(port)], { env, stdio: 'ignore' });
    const base = `http://127.0.0.1:${port}`;
    const rssMiB = () => Math.round(Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${server.pid}/status`, 'utf8'))?.[1] ?? 0) / 1024);
    const get = async (path: string) => {
      const start = performance.now();
      const res = await fetch(base + path, { headers: { authorization: `Bearer ${ADMIN}` } });
      const bytes = (await res.arrayBuffer()).byteLength;
      return { status: res.status, ms: performance.now() - start, bytes };
    };
    try {
      for (let i = 0; i < 100; i++) {
        if (
          await fetch(`${base}/healthz`).then(
            (r) => r.ok,
            () => false,
          )
        )
          break;
        await new Promise((r) => setTimeout(r, 100));
      }
      console.log(`${TOKENS} tokens; idle server RSS ${rssMiB()} MiB`);
      for (const path of ['/access_tokens?page[limit]=30', '/access_tokens?page[offset]=99000&page[limit]=30', '/access_tokens', '/access_tokens']) {
        const r = await get(path);
        console.log(`${path}: ${r.status}, ${r.ms.toFixed(1)} ms, ${(r.bytes / 1e6).toFixed(2)} MB, server RSS ${rssMiB()} MiB`);
        // Stay inside the default CMA rate limit (60 requests / 3 s).
        await new Promise((r) => setTimeout(r, 3_100));
      }
      for (const path of ['/access_tokens?page[limit]=30', '/access_tokens?page[offset]=99000&page[limit]=30']) {
        const times: number[] = [];
        for (let i = 0; i < 21; i++) times.push((await get(path)).ms);
        times.sort((a, b) => a - b);
        console.log(`${path}: median of 21 ${times[10]?.toFixed(1)} ms`);
        await new Promise((r) => setTimeout(r, 3_100));
      }
    } finally {
      server.kill('SIGTERM');
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
