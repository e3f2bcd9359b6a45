/**
 * @module
 * Content at scale (issue 9, point 6): what a page, a lookup and a count cost with 1,000, 100,000
 * and 1,000,000 published articles, for an unscoped token and for a token scoped to one section
 * (a tenth of the articles). One store grows level by level; at each level a fresh server (the
 * production app, pinned to its core) answers every query under load, then its memory is read.
 *
 * The suite bounds its own time, because a query that loads every record of its model costs
 * seconds at 100,000 records: every answer is first checked with a few single requests, each
 * aborted after `requestTimeoutSeconds`; a query whose fastest single request takes longer than
 * `maxProbeSeconds` is reported as too slow instead of being put under load (ten connections would
 * only queue behind it, and a short burst would time only the few requests that finish); a server
 * that a request keeps busy past its bound is killed and restarted.
 */
import { rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import { createScaleStore, growScaleStore, middleInScope, visibleCounts, type ScaleStore } from '../lib/content-seed.ts';
import { SCALE_QUERIES, type Expectation, type ScaleQuery } from '../lib/content-queries.ts';
import { burst, summarise, type Request, type Summary } from '../lib/load.ts';
import { describeMachine, type Machine } from '../lib/machine.ts';
import { peakRssMiB, rssMiB, startPinned, type Child } from '../lib/proc.ts';
import { tempDir } from '../lib/seed.ts';
import { round } from '../lib/stats.ts';

export interface ContentScalePlan {
  readonly sizes: readonly number[];
  readonly connections: number;
  /** Single requests per query before any load: each answer is checked, the fastest one timed. */
  readonly probes: number;
  readonly warmupSeconds: number;
  readonly seconds: number;
  readonly requestTimeoutSeconds: number;
  /**
   * A query whose fastest single request takes longer is not put under load: a burst must hold
   * several full rounds of every connection (see `checkPlan`), or it would time only the requests
   * that happened to finish before it ended.
   */
  readonly maxProbeSeconds: number;
  /** V8 heap limit of the server: a server that would need more dies instead of swapping the machine. */
  readonly heapMiB: number;
}

export type Outcome =
  | { readonly kind: 'measured'; readonly probeMs: number; readonly summary: Summary }
  | { readonly kind: 'too-slow'; readonly boundSeconds: number; readonly probeMs: number | null }
  | { readonly kind: 'failed'; readonly reason: string };

export type TokenName = 'unscoped' | 'scoped';

export interface QueryResult {
  readonly query: string;
  readonly token: TokenName;
  readonly outcome: Outcome;
}

export interface LevelResult {
  readonly records: number;
  readonly visible: Readonly<Record<TokenName, number>>;
  readonly seedSeconds: number;
  readonly results: readonly QueryResult[];
  /** RSS of the server after every query of the level, and the highest it reached meanwhile (MiB). */
  readonly rssMiB: number;
  readonly peakRssMiB: number;
  /** Server processes the level needed: more than one means a request had to be cut off. */
  readonly serverStarts: number;
}

export interface ContentScaleResults {
  readonly date: string;
  readonly quick: boolean;
  readonly durationSeconds: number;
  readonly machine: Machine & { readonly loadAverageAtEnd: readonly number[] };
  readonly plan: ContentScalePlan;
  readonly queries: readonly { readonly name: string; readonly label: string }[];
  readonly levels: readonly LevelResult[];
}

interface Hello {
  readonly pid: number;
  readonly port: number;
}

/** The level's server; replaced when a request had to be cut off or it died. */
class Server {
  child: Child<Hello> | null = null;
  starts = 0;
  peak = 0;
  constructor(
    private readonly store: ScaleStore,
    private readonly plan: ContentScalePlan,
  ) {}

  async get(): Promise<Child<Hello>> {
    if (this.child && this.child.process.exitCode === null && this.child.process.signalCode === null) return this.child;
    await this.stop();
    this.child = await startPinned<Hello>('bench/server/content-scale.ts', [this.store.dataDir], {
      NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --max-old-space-size=${this.plan.heapMiB}`.trim(),
    });
    this.starts++;
    return this.child;
  }

  /** SIGTERM, and SIGKILL when the server is too busy to hear it. */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.child = null;
    this.peak = Math.max(this.peak, peakRssMiB(child.pid) || 0);
    const timer = setTimeout(() => child.process.kill('SIGKILL'), 5000);
    await child.stop();
    clearTimeout(timer);
  }

  async kill(): Promise<void> {
    const child = this.child;
    if (!child) return;
    // Read before the kill: a dead process has no memory figures left to read.
    this.peak = Math.max(this.peak, peakRssMiB(child.pid) || 0);
    child.process.kill('SIGKILL');
    await this.stop();
  }
}

type Answer = { kind: 'answer'; ms: number; status: number; body: unknown } | { kind: 'timeout' } | { kind: 'error'; reason: string };

async function once(port: number, r: Request, timeoutSeconds: number): Promise<Answer> {
  const started = performance.now();
  try {
    const response = await fetch(`http://127.0.0.1:${port}${r.path}`, {
      method: r.method,
      headers: r.headers,
      ...(r.body !== undefined ? { body: r.body } : {}),
      signal: AbortSignal.timeout(timeoutSeconds * 1000),
    });
    const text = await response.text();
    const ms = performance.now() - started;
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // Not JSON: the check below reports it with the status.
    }
    return { kind: 'answer', ms, status: response.status, body };
  } catch (error) {
    if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) return { kind: 'timeout' };
    return {
      kind: 'error',
      reason: error instanceof Error ? `${error.message}${error.cause instanceof Error ? `: ${error.cause.message}` : ''}` : String(error),
    };
  }
}

function requestFor(query: ScaleQuery, expectation: Expectation, secret: string, port: number): Request {
  const r = query.request(expectation);
  return {
    port,
    method: r.method,
    path: r.path,
    headers: { authorization: `Bearer ${secret}`, ...(r.body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(r.body !== undefined ? { body: r.body } : {}),
  };
}

async function measure(server: Server, plan: ContentScalePlan, query: ScaleQuery, expectation: Expectation, secret: string): Promise<Outcome> {
  const child = await server.get();
  const r = requestFor(query, expectation, secret, child.hello.port);
  let probeMs = Number.POSITIVE_INFINITY;
  for (let p = 0; p < plan.probes; p++) {
    const answer = await once(child.hello.port, r, plan.requestTimeoutSeconds);
    if (answer.kind === 'timeout') {
      // The server is still inside that request and would delay everything after it.
      await server.kill();
      return { kind: 'too-slow', boundSeconds: plan.requestTimeoutSeconds, probeMs: null };
    }
    if (answer.kind === 'error') {
      // A dying server drops its connections a moment before its exit is reported; asked before the
      // kill below, which would make every server look dead.
      await new Promise((resolve) => setTimeout(resolve, 500));
      const died = child.process.exitCode !== null || child.process.signalCode !== null;
      await server.kill();
      return {
        kind: 'failed',
        reason: died ? `the server died (exit ${String(child.process.exitCode ?? child.process.signalCode)}; heap limit ${plan.heapMiB} MiB)` : answer.reason,
      };
    }
    if (answer.status !== 200) return { kind: 'failed', reason: `status ${answer.status}: ${JSON.stringify(answer.body).slice(0, 200)}` };
    const wrong = query.check(answer.body, expectation);
    if (wrong !== null) return { kind: 'failed', reason: `wrong answer: ${wrong}` };
    probeMs = Math.min(probeMs, answer.ms);
    // Far beyond the bound already: more probes would only spend the level's time.
    if (answer.ms > plan.maxProbeSeconds * 10_000) break;
  }
  // The fastest probe decides: the first request of a query also pays for parsing and warming up.
  if (probeMs > plan.maxProbeSeconds * 1000) return { kind: 'too-slow', boundSeconds: plan.maxProbeSeconds, probeMs: round(probeMs, 0) };
  await burst(r, plan.connections, plan.warmupSeconds, child.pid, plan.requestTimeoutSeconds);
  const measured = await burst(r, plan.connections, plan.seconds, child.pid, plan.requestTimeoutSeconds);
  // Requests still in flight when the burst ended must not slow the next query down.
  const drained = await once(child.hello.port, r, plan.requestTimeoutSeconds * 2);
  if (drained.kind !== 'answer') await server.kill();
  return { kind: 'measured', probeMs: round(probeMs, 1), summary: summarise([measured]) };
}

function describe(outcome: Outcome): string {
  switch (outcome.kind) {
    case 'measured':
      return `${outcome.summary.rps} req/s, p50 ${(outcome.summary.p50Us / 1000).toFixed(1)} ms, p99 ${(outcome.summary.p99Us / 1000).toFixed(1)} ms${outcome.summary.failures > 0 ? `, ${outcome.summary.failures} failures` : ''}`;
    case 'too-slow':
      return `too slow (> ${outcome.boundSeconds} s)${outcome.probeMs !== null ? `: one request took ${outcome.probeMs} ms` : ''}`;
    case 'failed':
      return `FAILED: ${outcome.reason}`;
  }
}

/** Rounds of every connection a burst must hold at the slowest query it is allowed to time. */
const ROUNDS_PER_BURST = 4;

function checkPlan(plan: ContentScalePlan): void {
  if (plan.maxProbeSeconds * plan.connections * ROUNDS_PER_BURST > plan.seconds) {
    throw new Error(
      `content-scale plan: a ${plan.seconds} s burst at ${plan.connections} connections can time queries of at most ${plan.seconds / plan.connections / ROUNDS_PER_BURST} s, not ${plan.maxProbeSeconds} s`,
    );
  }
}

export async function runContentScaleSuite(plan: ContentScalePlan, quick: boolean, log: (line: string) => void): Promise<ContentScaleResults> {
  checkPlan(plan);
  const started = performance.now();
  const machine = describeMachine();
  const store = await createScaleStore(tempDir('content'));
  const levels: LevelResult[] = [];
  try {
    for (const records of plan.sizes) {
      const seedSeconds = round(growScaleStore(store, records), 1);
      log(`${records.toLocaleString('en-US')} articles (seeded in ${seedSeconds} s)`);
      const visible = visibleCounts(records);
      const target = middleInScope(records);
      const server = new Server(store, plan);
      const results: QueryResult[] = [];
      let rss = Number.NaN;
      try {
        for (const query of SCALE_QUERIES) {
          for (const token of ['unscoped', 'scoped'] as const) {
            const expectation = { visible: visible[token], targetIndex: target, targetId: String(store.firstArticleId + target) };
            const outcome = await measure(server, plan, query, expectation, store.secrets[token]);
            log(`  ${query.name}, ${token}: ${describe(outcome)}`);
            results.push({ query: query.name, token, outcome });
          }
        }
        // A server restarted after the last query has served nothing: its RSS would say nothing.
        const child = server.child;
        if (child && child.process.exitCode === null && child.process.signalCode === null) rss = rssMiB(child.pid);
      } finally {
        await server.stop();
      }
      const level = { records, visible, seedSeconds, results, rssMiB: round(rss, 1), peakRssMiB: round(server.peak, 1), serverStarts: server.starts };
      log(`  server RSS ${level.rssMiB} MiB (peak ${level.peakRssMiB} MiB, ${server.starts} server start${server.starts === 1 ? '' : 's'})`);
      levels.push(level);
    }
  } finally {
    rmSync(store.dataDir, { recursive: true, force: true });
  }
  return {
    date: new Date().toISOString(),
    quick,
    durationSeconds: Math.round((performance.now() - started) / 1000),
    machine: { ...machine, loadAverageAtEnd: loadavg().map((l) => Math.round(l * 100) / 100) },
    plan,
    queries: SCALE_QUERIES.map((q) => ({ name: q.name, label: q.label })),
    levels,
  };
}
