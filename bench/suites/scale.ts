/**
 * @module
 * Scale (§4 of the issue): verification throughput and memory with 10, 100,000 and 1,000,000
 * tokens in the store, and the time the real `latchkey serve` takes to answer its first request
 * on each of those databases.
 */
import { rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { benchSecret } from '../lib/secrets.ts';
import { seedTokens, tempDir } from '../lib/seed.ts';
import { ROOT, rssMiB, spawnPinned, startPinned } from '../lib/proc.ts';
import { median, round } from '../lib/stats.ts';
import type { Contest } from '../lib/timing.ts';

export interface ScalePlan {
  readonly counts: readonly number[];
  readonly wide: number;
  readonly rounds: number;
  readonly ms: number;
  readonly startups: number;
}

export interface ScaleResults {
  readonly counts: readonly number[];
  readonly seedSeconds: Readonly<Record<string, number>>;
  readonly hot: Contest;
  readonly wide: Contest;
  readonly wideSize: number;
  readonly cold: Readonly<Record<string, number>>;
  readonly cacheKiBPerToken: Readonly<Record<string, number>>;
  readonly scaleProcessRssMiB: number;
  /** `latchkey serve`: process start to first 200 response, median of `startups` runs, ms. */
  readonly startupMs: Readonly<Record<string, number>>;
  /** RSS of `latchkey serve` right after its first response. */
  readonly serveRssMiB: Readonly<Record<string, number>>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** Spawns the real server on a seeded data dir and polls until it serves an authenticated request. */
async function timeToFirstResponse(dataDir: string, secret: string): Promise<{ ms: number; rss: number }> {
  const port = await freePort();
  const started = performance.now();
  const child = spawnPinned([process.execPath, join(ROOT, 'bin/latchkey.js'), 'serve', '--data-dir', dataDir, '--port', String(port)], {
    LATCHKEY_LOG_LEVEL: 'silent',
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`latchkey serve exited with ${child.exitCode}`);
      try {
        const response = await fetch(`http://127.0.0.1:${port}/users/me`, { headers: { authorization: `Bearer ${secret}` } });
        await response.arrayBuffer();
        if (response.status === 200) return { ms: performance.now() - started, rss: rssMiB(child.pid!) };
        throw new Error(`latchkey serve answered ${response.status}`);
      } catch (error) {
        if (error instanceof Error && error.message.startsWith('latchkey serve answered')) throw error;
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    }
  } finally {
    child.kill('SIGTERM');
    await exited;
  }
}

export async function runScaleSuite(plan: ScalePlan, log: (line: string) => void): Promise<ScaleResults> {
  const stores = plan.counts.map((count) => ({ count, dataDir: tempDir(`scale-${count}`), seed: `scale-${count}` }));
  try {
    const seedSeconds: Record<string, number> = {};
    for (const store of stores) {
      seedSeconds[store.count] = round(await seedTokens(store.dataDir, store.seed, store.count), 1);
      log(`seeded ${store.count} tokens in ${seedSeconds[store.count]} s`);
    }
    const startupMs: Record<string, number> = {};
    const serveRssMiB: Record<string, number> = {};
    for (const store of stores) {
      const runs = [];
      for (let r = 0; r < plan.startups; r++) runs.push(await timeToFirstResponse(store.dataDir, benchSecret(store.seed, store.count - 1)));
      startupMs[store.count] = round(median(runs.map((r) => r.ms)), 0);
      serveRssMiB[store.count] = round(median(runs.map((r) => r.rss)), 1);
      log(`latchkey serve with ${store.count} tokens: first response after ${startupMs[store.count]} ms, RSS ${serveRssMiB[store.count]} MiB`);
    }
    const child = await startPinned<Omit<ScaleResults, 'counts' | 'seedSeconds' | 'startupMs' | 'serveRssMiB' | 'scaleProcessRssMiB'> & { rssMiB: number }>(
      'bench/server/scale.ts',
      [JSON.stringify({ stores, wide: plan.wide, rounds: plan.rounds, ms: plan.ms })],
    );
    await child.stop();
    const { rssMiB: scaleProcessRssMiB, ...measured } = child.hello;
    log(`verify, hot set: ${JSON.stringify(measured.hot.ratioToFirst)}; wide set: ${JSON.stringify(measured.wide.ratioToFirst)}`);
    return { counts: plan.counts, seedSeconds, ...measured, scaleProcessRssMiB, startupMs, serveRssMiB };
  } finally {
    for (const store of stores) rmSync(store.dataDir, { recursive: true, force: true });
  }
}
