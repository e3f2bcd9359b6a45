/**
 * @module
 * `npm run bench`: the whole suite on this machine, loopback only. Writes
 * `bench/results/latest.json` (floor, http, scale) and `bench/results/content-scale.json`, and
 * regenerates `docs/benchmarks.md` from both. `--quick` runs a tiny version of everything (a smoke
 * test of the harness; its numbers mean nothing) and writes `bench/results/quick.json` and
 * `content-scale-quick.json` only. `--only=floor,http,scale,content-scale` runs a subset: a subset
 * of the first three writes `bench/results/partial.json`, never `latest.json`, and only a full run
 * regenerates the docs. `--content-sizes=1000,100000` replaces the content-scale levels.
 * `--report` only regenerates `docs/benchmarks.md` from the two results files.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { describeMachine } from './lib/machine.ts';
import { pinSelf, ROOT, startPinned } from './lib/proc.ts';
import { renderReport, type Results } from './lib/report.ts';
import { runHttpSuites, type HttpPlan } from './suites/http.ts';
import { runScaleSuite, type ScalePlan } from './suites/scale.ts';
import { runContentScaleSuite, type ContentScalePlan, type ContentScaleResults } from './suites/content-scale.ts';
import type { Contest } from './lib/timing.ts';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const only = args
  .find((a) => a.startsWith('--only='))
  ?.slice('--only='.length)
  .split(',');
const wants = (suite: string) => !only || only.includes(suite);
const contentSizes = args
  .find((a) => a.startsWith('--content-sizes='))
  ?.slice('--content-sizes='.length)
  .split(',')
  .map(Number);
if (contentSizes?.some((n) => !Number.isInteger(n) || n < 1)) throw new Error('--content-sizes takes positive whole numbers, comma separated');

const PLANS = {
  full: {
    floor: { rounds: 12, ms: 300 },
    http: { cycles: 30, seconds: 0.6, warmupSeconds: 1, connections: [1, 10], extrasConnections: 10, floorConnections: 10 } satisfies HttpPlan,
    scale: { counts: [10, 100_000, 1_000_000], wide: 20_000, rounds: 8, ms: 300, startups: 3 } satisfies ScalePlan,
    contentScale: {
      sizes: [1000, 100_000, 1_000_000],
      connections: 10,
      probes: 3,
      warmupSeconds: 0.5,
      seconds: 3,
      requestTimeoutSeconds: 10,
      maxProbeSeconds: 0.075,
      heapMiB: 2048,
    } satisfies ContentScalePlan,
  },
  quick: {
    floor: { rounds: 3, ms: 50 },
    http: { cycles: 2, seconds: 0.3, warmupSeconds: 0.2, connections: [10], extrasConnections: 10, floorConnections: 10 } satisfies HttpPlan,
    scale: { counts: [10, 2_000], wide: 500, rounds: 2, ms: 50, startups: 1 } satisfies ScalePlan,
    contentScale: {
      sizes: [1000, 5000],
      connections: 10,
      probes: 2,
      warmupSeconds: 0.2,
      seconds: 1,
      requestTimeoutSeconds: 5,
      maxProbeSeconds: 0.025,
      heapMiB: 2048,
    } satisfies ContentScalePlan,
  },
};

const RESULTS = join(ROOT, 'bench/results');
const CONTENT_SCALE_FILE = join(RESULTS, 'content-scale.json');
const readContentScale = (): ContentScaleResults | null =>
  existsSync(CONTENT_SCALE_FILE) ? (JSON.parse(readFileSync(CONTENT_SCALE_FILE, 'utf8')) as ContentScaleResults) : null;

if (args.includes('--report')) {
  const latest = JSON.parse(readFileSync(join(RESULTS, 'latest.json'), 'utf8')) as Results;
  const contentScale = readContentScale();
  writeFileSync(join(ROOT, 'docs/benchmarks.md'), renderReport(latest, contentScale));
  process.stdout.write(`docs/benchmarks.md regenerated from bench/results/latest.json${contentScale ? ' and content-scale.json' : ''}\n`);
  process.exit(0);
}

const plan = quick ? PLANS.quick : PLANS.full;
const log = (line: string) => process.stdout.write(`  ${line}\n`);
const started = performance.now();
pinSelf();
const machine = describeMachine();
process.stdout.write(`Latchkey benchmarks${quick ? ' (quick: smoke test only)' : ''} on ${machine.cpu}, ${machine.cores} cores, Node ${machine.node}\n`);

let floor: (Contest & { tokens: number }) | null = null;
if (wants('floor')) {
  process.stdout.write('floor: in-process verify vs one crypto.hash + one Map lookup\n');
  const child = await startPinned<Contest & { tokens: number }>('bench/server/floor.ts', [String(plan.floor.rounds), String(plan.floor.ms)]);
  await child.stop();
  floor = child.hello;
  log(`verify ${floor.nsPerOp.verify} ns, floor ${floor.nsPerOp.floor} ns: ×${floor.ratioToFirst.verify} of the floor's throughput`);
}

/** Announces a suite on stdout, then runs it. */
async function suite<T>(title: string, run: () => Promise<T>): Promise<T> {
  process.stdout.write(`${title}\n`);
  return run();
}
const http = wants('http') ? await suite('http: paired verification vs none, then each extra', () => runHttpSuites(plan.http, log)) : null;
const scale = wants('scale') ? await suite('scale: 10 / 100k / 1M tokens', () => runScaleSuite(plan.scale, log)) : null;
mkdirSync(RESULTS, { recursive: true });
if (wants('content-scale')) {
  const contentPlan = contentSizes ? { ...plan.contentScale, sizes: contentSizes } : plan.contentScale;
  process.stdout.write(`content-scale: ${contentPlan.sizes.map((n) => n.toLocaleString('en-US')).join(' / ')} published articles, unscoped and scoped\n`);
  const content = await runContentScaleSuite(contentPlan, quick, log);
  // Its own file: a content-scale run never replaces the other suites' results, nor they its.
  const file = quick ? 'content-scale-quick.json' : contentSizes ? 'content-scale-partial.json' : 'content-scale.json';
  writeFileSync(join(RESULTS, file), `${JSON.stringify(content, null, 2)}\n`);
  log(`bench/results/${file}`);
}
const others = ['floor', 'http', 'scale'].filter(wants);

const results: Results = {
  date: new Date().toISOString(),
  quick,
  durationSeconds: Math.round((performance.now() - started) / 1000),
  machine: { ...machine, loadAverageAtEnd: loadavg().map((l) => Math.round(l * 100) / 100) },
  plan,
  floor,
  http,
  scale,
};

// latest.json holds a whole run only: a subset would leave the report without the rest.
const file = quick ? 'quick.json' : only ? 'partial.json' : 'latest.json';
if (others.length > 0) writeFileSync(join(RESULTS, file), `${JSON.stringify(results, null, 2)}\n`);
const full = !quick && !only && !contentSizes;
if (full) writeFileSync(join(ROOT, 'docs/benchmarks.md'), renderReport(results, readContentScale()));
process.stdout.write(`done in ${results.durationSeconds} s${full ? ': bench/results/latest.json, content-scale.json, docs/benchmarks.md' : ''}\n`);
