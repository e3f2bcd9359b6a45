/**
 * @module
 * The load generator: short autocannon bursts alternating across variants served by one process.
 * Latency percentiles come from the per-response timings autocannon reports (process.hrtime,
 * sub-microsecond), sorted exactly: its own histogram cannot resolve anything under 1 ms.
 */
import autocannon from 'autocannon';
import { cpuMicros } from './proc.ts';
import { median, medianRatio, quantile, round } from './stats.ts';

export interface Request {
  readonly port: number;
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
}

export interface Burst {
  readonly requests: number;
  readonly rps: number;
  readonly p50Us: number;
  readonly p99Us: number;
  /** Server CPU (user + system) per response, µs. */
  readonly cpuUs: number;
  /** Responses that were not 2xx, plus errors and timeouts: any of these invalidates the burst. */
  readonly failures: number;
}

/** `timeoutSeconds` bounds each request: one that takes longer counts as a failure, not a latency. */
export async function burst(request: Request, connections: number, seconds: number, serverPid: number, timeoutSeconds = 10): Promise<Burst> {
  const latencies: number[] = [];
  const cpuBefore = cpuMicros(serverPid);
  const started = process.hrtime.bigint();
  const instance = autocannon({
    url: `http://127.0.0.1:${request.port}${request.path}`,
    method: request.method,
    headers: { ...request.headers },
    ...(request.body !== undefined ? { body: request.body } : {}),
    connections,
    pipelining: 1,
    duration: seconds,
    timeout: timeoutSeconds,
  });
  instance.on('response', (_client: unknown, _status: number, _bytes: number, responseTimeMs: number) => {
    latencies.push(responseTimeMs * 1000);
  });
  const result = await instance;
  const elapsed = Number(process.hrtime.bigint() - started) / 1e9;
  const cpu = cpuMicros(serverPid) - cpuBefore;
  const requests = latencies.length;
  return {
    requests,
    rps: requests / elapsed,
    p50Us: quantile(latencies, 0.5),
    p99Us: quantile(latencies, 0.99),
    cpuUs: requests > 0 ? cpu / requests : Number.NaN,
    failures: result.non2xx + result.errors + result.timeouts,
  };
}

export interface Alternation {
  readonly cycles: number;
  readonly seconds: number;
  readonly warmupSeconds: number;
  readonly connections: number;
}

/**
 * Warms every variant up, then runs `cycles` rounds of one burst per variant. The order rotates
 * each round so that no variant always follows the same neighbour.
 */
export async function alternate(variants: Readonly<Record<string, Request>>, plan: Alternation, serverPid: number): Promise<Record<string, Burst[]>> {
  const names = Object.keys(variants);
  for (const name of names) await burst(variants[name]!, plan.connections, plan.warmupSeconds, serverPid);
  const bursts: Record<string, Burst[]> = Object.fromEntries(names.map((n) => [n, []]));
  for (let cycle = 0; cycle < plan.cycles; cycle++) {
    for (let k = 0; k < names.length; k++) {
      const name = names[(cycle + k) % names.length]!;
      bursts[name]!.push(await burst(variants[name]!, plan.connections, plan.seconds, serverPid));
    }
  }
  return bursts;
}

export interface Summary {
  readonly rps: number;
  readonly p50Us: number;
  readonly p99Us: number;
  readonly cpuUs: number;
  readonly requests: number;
  readonly failures: number;
}

export function summarise(bursts: readonly Burst[]): Summary {
  return {
    rps: round(median(bursts.map((b) => b.rps)), 0),
    p50Us: round(median(bursts.map((b) => b.p50Us)), 1),
    p99Us: round(median(bursts.map((b) => b.p99Us)), 1),
    cpuUs: round(median(bursts.map((b) => b.cpuUs)), 2),
    requests: bursts.reduce((sum, b) => sum + b.requests, 0),
    failures: bursts.reduce((sum, b) => sum + b.failures, 0),
  };
}

export interface Ratios {
  readonly rps: number;
  readonly p50: number;
  readonly p99: number;
  readonly cpu: number;
}

/** Median of the per-cycle ratios `subject / baseline`. */
export function ratios(subject: readonly Burst[], baseline: readonly Burst[]): Ratios {
  const of = (pick: (b: Burst) => number) => round(medianRatio(subject.map(pick), baseline.map(pick)), 3);
  return { rps: of((b) => b.rps), p50: of((b) => b.p50Us), p99: of((b) => b.p99Us), cpu: of((b) => b.cpuUs) };
}
