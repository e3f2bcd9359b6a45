/**
 * SQLite with another process writing to the same file (the offline CLI, say): a request whose
 * transaction starts while the other process holds the write lock waits for it and then succeeds.
 * A deferred transaction would read first, find its snapshot stale once the other process
 * committed, and fail at once with SQLITE_BUSY whatever the busy timeout.
 */
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../cli/process.ts';
import { startHarness, type Harness } from '../support/harness.ts';
import { adminRoleId, createToken, secretWorks, send } from './instances.ts';

/** Holds the write lock of `path` for `ms`, changing the site name; resolves once it holds it. */
function holdWriteLock(path: string, ms: number): Promise<{ done: Promise<number | null> }> {
  const script = `
    const Database = require('better-sqlite3');
    const db = new Database(process.argv[1]);
    db.pragma('busy_timeout = 5000');
    db.exec('BEGIN IMMEDIATE');
    db.prepare("update site set name = 'changed offline' where id = 1").run();
    process.stdout.write('locked\\n');
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, Number(process.argv[2]));
    db.exec('COMMIT');
    db.close();
  `;
  const child = spawn(process.execPath, ['-e', script, path, String(ms)], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  const done = new Promise<number | null>((resolve) => child.on('close', resolve));
  const killer = setTimeout(() => child.pid !== undefined && process.kill(child.pid, 'SIGKILL'), 30_000);
  void done.then(() => clearTimeout(killer));
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('locked')) resolve({ done });
    });
    void done.then((code) => reject(new Error(`lock holder exited with ${code} before locking`)));
  });
}

describe('sqlite: a write while another process holds the write lock', () => {
  let h: Harness;
  let role: string;

  beforeAll(async () => {
    h = await startHarness({ dialect: 'sqlite' });
    role = await adminRoleId(h);
  });
  afterAll(async () => h?.close());

  it('a rotation waits for the lock and succeeds, and the other process’s write stays', async () => {
    if (h.db.target.kind !== 'sqlite') throw new Error('expected SQLite');
    for (let trial = 0; trial < 3; trial++) {
      const token = await createToken(h, role);
      const holder = await holdWriteLock(h.db.target.path, 300);
      const rotated = await send(h, 'POST', `/access_tokens/${token.id}/regenerate_token?grace_period=60`);
      expect(rotated.statusCode, rotated.body).toBe(200);
      expect(await holder.done).toBe(0);
      expect(await secretWorks(h, (rotated.json() as { data: { attributes: { token: string } } }).data.attributes.token)).toBe(true);
      expect((await h.runtime.store.getSite())?.name).toBe('changed offline');
    }
  });
});
