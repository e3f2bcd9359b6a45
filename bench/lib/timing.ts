/**
 * @module
 * In-process throughput: run an operation in chunks until a time budget is spent; alternate
 * rounds between contenders so that drift hits them alike.
 */
import { median, medianRatio, round } from './stats.ts';

/** Keeps results alive so the JIT cannot drop the measured work. */
export let sink: unknown = null;

export function keep(value: unknown): void {
  sink = value;
}

/** Operations per second of `op(i)` over `ms` milliseconds. */
export function opsPerSecond(op: (i: number) => unknown, ms: number, chunk = 1000): number {
  let done = 0;
  const start = process.hrtime.bigint();
  const budget = BigInt(Math.round(ms * 1e6));
  let elapsed = 0n;
  while (elapsed < budget) {
    for (let i = 0; i < chunk; i++) keep(op(done + i));
    done += chunk;
    elapsed = process.hrtime.bigint() - start;
  }
  return done / (Number(elapsed) / 1e9);
}

export interface Contest {
  readonly opsPerSecond: Readonly<Record<string, number>>;
  readonly nsPerOp: Readonly<Record<string, number>>;
  /** Median of per-round ratios of each contender to the first one. */
  readonly ratioToFirst: Readonly<Record<string, number>>;
  readonly rounds: number;
}

export function contest(contenders: Readonly<Record<string, (i: number) => unknown>>, rounds: number, ms: number): Contest {
  const names = Object.keys(contenders);
  for (const name of names) opsPerSecond(contenders[name]!, ms / 2);
  const samples: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
  for (let r = 0; r < rounds; r++) {
    for (let k = 0; k < names.length; k++) {
      const name = names[(r + k) % names.length]!;
      samples[name]!.push(opsPerSecond(contenders[name]!, ms));
    }
  }
  const first = samples[names[0]!]!;
  return {
    opsPerSecond: Object.fromEntries(names.map((n) => [n, round(median(samples[n]!), 0)])),
    nsPerOp: Object.fromEntries(names.map((n) => [n, round(1e9 / median(samples[n]!), 1)])),
    ratioToFirst: Object.fromEntries(names.map((n) => [n, round(medianRatio(samples[n]!, first), 3)])),
    rounds,
  };
}
