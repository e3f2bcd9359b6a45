/**
 * @module
 * `npm run bench`: the whole suite on this machine, loopback only, in a few minutes. Writes
 * `bench/results/latest.json` and regenerates `docs/benchmarks.md`. `--quick` runs a tiny version
 * of everything (a smoke test of the harness; its numbers mean nothing) and writes
 * `bench/results/quick.json` only. `--only=floor,http,scale` runs a subset. `--report` only
 * regenerates `docs/benchmarks.md` from `bench/results/latest.json`.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { describeMachine } from './lib/machine.ts';
import { pinSelf, ROOT, startPinned } from './lib/proc.ts';
import { renderReport, type Results } from './lib/report.ts';
import { runHttpSuites, type HttpPlan } from './suites/http.ts';
import { runScaleSuite, type ScalePlan } from './suites/scale.ts';
import type { Contest } from './lib/timing.ts';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const only = args.find((a) => a.startsWith('--only='))?.slice('--only='.length).split(',');
const wants = (suite: string) => !only || only.includes(suite);

const PLANS = {
  full: {
    floor: { rounds: 12, ms: 300 },
    http: { cycles: 30, seconds: 0.6, warmupSeconds: 1, connections: [1, 10], extrasConnections: 10 } satisfies HttpPlan,
    scale: { counts: [10, 100_000, 1_000_000], wide: 20_000, rounds: 8, ms: 300, startups: 3 } satisfies ScalePlan,
  },
  quick: {
    floor: { rounds: 3, ms: 50 },
    http: { cycles: 2, seconds: 0.3, warmupSeconds: 0.2, connections: [10], extrasConnections: 10 } satisfies HttpPlan,
    scale: { counts: [10, 2_000], wide: 500, rounds: 2, ms: 50, startups: 1 } satisfies ScalePlan,
  },
};

if (args.includes('--report')) {
  const latest = JSON.parse(readFileSync(join(ROOT, 'bench/results/latest.json'), 'utf8')) as Results;
  writeFileSync(join(ROOT, 'docs/benchmarks.md'), renderReport(latest));
  process.stdout.write('docs/benchmarks.md regenerated from bench/results/latest.json\n');
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

const http = wants('http') ? (process.stdout.write('http: paired verification vs none, then each extra\n'), await runHttpSuites(plan.http, log)) : null;
const scale = wants('scale') ? (process.stdout.write('scale: 10 / 100k / 1M tokens\n'), await runScaleSuite(plan.scale, log)) : null;

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

mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
writeFileSync(join(ROOT, 'bench/results', quick ? 'quick.json' : 'latest.json'), `${JSON.stringify(results, null, 2)}\n`);
if (!quick && !only) writeFileSync(join(ROOT, 'docs/benchmarks.md'), renderReport(results));
process.stdout.write(`done in ${results.durationSeconds} s${!quick && !only ? ': bench/results/latest.json, docs/benchmarks.md' : ''}\n`);
