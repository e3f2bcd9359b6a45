/**
 * @module
 * Verification at scale (run pinned to the server core): one process opens one store per token
 * count, so the counts are compared in alternating rounds like the HTTP variants. For each count:
 *  - hot: the same 10 tokens over and over (the steady state of most deployments);
 *  - wide, cold: the first request of each of W random tokens (each one a cache miss and an
 *    indexed SQLite lookup);
 *  - wide, warm: the same W tokens again, now cached (the Map holds W principals).
 * Heap growth per cached token is measured on the way. Prints one JSON line.
 */
import { loadConfig } from '../../src/config.ts';
import { createRuntime, type Runtime } from '../../src/cli/runtime.ts';
import { verify } from '../../src/http/context.ts';
import { benchSecret } from '../lib/secrets.ts';
import { contest } from '../lib/timing.ts';
import { round } from '../lib/stats.ts';

interface StoreSpec {
  readonly count: number;
  readonly dataDir: string;
  readonly seed: string;
}

const spec = JSON.parse(process.argv[2] as string) as { stores: StoreSpec[]; wide: number; rounds: number; ms: number };
const HOT = 10;

function sample(count: number, size: number): number[] {
  if (size >= count) return Array.from({ length: count }, (_, i) => i);
  const picked = new Set<number>();
  let state = 12345;
  while (picked.size < size) {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    picked.add(state % count);
  }
  return [...picked];
}

function heapMiB(): number {
  globalThis.gc?.();
  return process.memoryUsage().heapUsed / 2 ** 20;
}

interface Opened {
  readonly spec: StoreSpec;
  readonly runtime: Runtime;
  readonly hot: string[];
  readonly wide: string[];
  coldOpsPerSecond: number;
  cacheKiBPerToken: number;
}

const opened: Opened[] = [];
for (const store of spec.stores) {
  const runtime = await createRuntime(loadConfig({ dataDir: store.dataDir, logLevel: 'silent', cacheTtlMs: 3_600_000 }, {}));
  const header = (i: number) => `Bearer ${benchSecret(store.seed, i)}`;
  opened.push({
    spec: store,
    runtime,
    hot: Array.from({ length: Math.min(HOT, store.count) }, (_, i) => header(i)),
    wide: sample(store.count, Math.min(spec.wide, store.count)).map(header),
    coldOpsPerSecond: 0,
    cacheKiBPerToken: 0,
  });
}

// Cold pass: every wide token once, misses and all, then the heap those entries hold.
for (const o of opened) {
  const before = heapMiB();
  const started = performance.now();
  for (const h of o.wide) {
    const decision = await verify(o.runtime.deps, h, 'items.find', '127.0.0.1');
    if (!decision.ok) throw new Error(`a seeded token of the ${o.spec.count} store does not verify`);
  }
  o.coldOpsPerSecond = round(o.wide.length / ((performance.now() - started) / 1000), 0);
  o.cacheKiBPerToken = round(((heapMiB() - before) * 1024) / o.wide.length, 2);
}

for (const o of opened) for (const h of o.hot) await verify(o.runtime.deps, h, 'items.find', '127.0.0.1');

const hit = (o: Opened, set: string[]) => (i: number) => {
  const decision = verify(o.runtime.deps, set[i % set.length], 'items.find', '127.0.0.1');
  if (decision instanceof Promise || !decision.ok) throw new Error('verify left the cache-hit path');
  return decision;
};
const hot = contest(Object.fromEntries(opened.map((o) => [String(o.spec.count), hit(o, o.hot)])), spec.rounds, spec.ms);
const wide = contest(Object.fromEntries(opened.map((o) => [String(o.spec.count), hit(o, o.wide)])), spec.rounds, spec.ms);

const rssMiB = round(process.memoryUsage().rss / 2 ** 20, 1);
for (const o of opened) await o.runtime.close();
process.stdout.write(
  `${JSON.stringify({
    hot,
    wide,
    wideSize: spec.wide,
    cold: Object.fromEntries(opened.map((o) => [String(o.spec.count), o.coldOpsPerSecond])),
    cacheKiBPerToken: Object.fromEntries(opened.map((o) => [String(o.spec.count), o.cacheKiBPerToken])),
    rssMiB,
  })}\n`,
);
