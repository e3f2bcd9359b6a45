/**
 * @module
 * The paired HTTP suites: what verification costs against no verification at all, what each
 * extra costs on its own, and how close a single verified read comes to a bare Fastify
 * hello-world. One server process, pinned to its core, serves every variant; bursts alternate
 * between them.
 */
import { TREE_DEPTH, type Target, type Targets } from '../server/content.ts';
import { BENCH_ALLOWLIST, type BenchTokens } from '../server/project.ts';
import { alternate, ratios, summarise, type Alternation, type Ratios, type Request, type Summary } from '../lib/load.ts';
import { startPinned } from '../lib/proc.ts';

interface Hello {
  readonly pid: number;
  readonly ports: Readonly<Record<string, number>>;
  readonly tokens: BenchTokens;
  readonly targets: Targets;
}

export interface PairedResult {
  readonly route: string;
  readonly connections: number;
  readonly cycles: number;
  readonly seconds: number;
  readonly subject: Summary;
  readonly baseline: Summary;
  /** subject / baseline, median of the per-cycle ratios. */
  readonly ratios: Ratios;
}

/** Verified single reads against a bare Fastify hello-world, alternating in one run. */
export interface FloorComparison {
  readonly connections: number;
  readonly cycles: number;
  readonly seconds: number;
  readonly bare: Summary;
  readonly rows: readonly {
    readonly name: 'cma-item' | 'cda-by-id';
    readonly route: string;
    readonly subject: Summary;
    /** subject / bare hello-world, median of the per-cycle ratios. */
    readonly ratios: Ratios;
  }[];
}

export interface HttpResults {
  readonly overhead: readonly (PairedResult & { readonly surface: 'cma' | 'cda' })[];
  readonly extras: readonly (PairedResult & { readonly extra: string; readonly description: string })[];
  /** Absent from results written before the comparison existed. */
  readonly bareFloor?: FloorComparison;
}

export interface HttpPlan {
  readonly cycles: number;
  readonly seconds: number;
  readonly warmupSeconds: number;
  readonly connections: readonly number[];
  readonly extrasConnections: number;
  /** Connections of the comparison with the bare Fastify hello-world. */
  readonly floorConnections: number;
}

function request(port: number | undefined, target: Target, secret: string): Request {
  if (port === undefined) throw new Error('variant not served');
  return {
    port,
    method: target.method,
    path: target.path,
    headers: { authorization: `Bearer ${secret}`, ...(target.body !== undefined ? { 'content-type': 'application/json' } : {}), ...target.headers },
    ...(target.body !== undefined ? { body: target.body } : {}),
  };
}

const describe = (target: Target): string => `${target.method} ${target.path}`;

function graphqlErrors(text: string): boolean {
  try {
    const errors = (JSON.parse(text) as { errors?: unknown }).errors;
    return Array.isArray(errors) && errors.length > 0;
  } catch {
    return false;
  }
}

/** Checks once that every request of a run answers 200 before timing anything. */
async function preflight(requests: Readonly<Record<string, Request>>): Promise<void> {
  for (const [name, r] of Object.entries(requests)) {
    const response = await fetch(`http://127.0.0.1:${r.port}${r.path}`, {
      method: r.method,
      headers: r.headers,
      ...(r.body !== undefined ? { body: r.body } : {}),
    });
    const text = await response.text();
    if (response.status !== 200) throw new Error(`${name}: ${describe({ method: r.method, path: r.path })} answered ${response.status}: ${text.slice(0, 300)}`);
    // GraphQL answers a query error with 200: a variant measuring an error would time the wrong thing.
    if (graphqlErrors(text)) throw new Error(`${name}: ${describe({ method: r.method, path: r.path })} answered errors: ${text.slice(0, 300)}`);
  }
}

async function compareWithBareFastify(
  plan: HttpPlan,
  ports: Hello['ports'],
  tokens: BenchTokens,
  targets: Targets,
  serverPid: number,
  log: (line: string) => void,
): Promise<FloorComparison> {
  const bareTarget: Target = { method: 'GET', path: '/' };
  const variants: Record<string, Request> = {
    bare: { ...request(ports.bare, bareTarget, tokens.main), headers: {} },
    'cma-item': request(ports.verified, targets.cma, tokens.main),
    'cda-by-id': request(ports.verified, targets.cdaById, tokens.main),
  };
  await preflight(variants);
  const alternation: Alternation = { cycles: plan.cycles, seconds: plan.seconds, warmupSeconds: plan.warmupSeconds, connections: plan.floorConnections };
  const bursts = await alternate(variants, alternation, serverPid);
  const rows = (['cma-item', 'cda-by-id'] as const).map((name) => {
    const target = name === 'cma-item' ? targets.cma : targets.cdaById;
    const row = { name, route: describe(target), subject: summarise(bursts[name]!), ratios: ratios(bursts[name]!, bursts.bare!) };
    log(`vs bare Fastify, ${name}: rps ×${row.ratios.rps}, cpu ×${row.ratios.cpu}`);
    return row;
  });
  return { connections: plan.floorConnections, cycles: plan.cycles, seconds: plan.seconds, bare: summarise(bursts.bare!), rows };
}

export async function runHttpSuites(plan: HttpPlan, log: (line: string) => void): Promise<HttpResults> {
  const server = await startPinned<Hello>('bench/server/http-server.ts');
  try {
    const { ports, tokens, targets } = server.hello;
    const overhead: HttpResults['overhead'][number][] = [];
    const surfaces = [['cma', targets.cma] as const, ['cda', targets.cda] as const];
    for (const [surface, target] of surfaces) {
      const pair = { verified: request(ports.verified, target, tokens.main), open: request(ports.open, target, tokens.main) };
      await preflight(pair);
      for (const connections of plan.connections) {
        const alternation: Alternation = { cycles: plan.cycles, seconds: plan.seconds, warmupSeconds: plan.warmupSeconds, connections };
        const bursts = await alternate(pair, alternation, server.pid);
        const result = {
          surface,
          route: describe(target),
          connections,
          cycles: plan.cycles,
          seconds: plan.seconds,
          subject: summarise(bursts.verified!),
          baseline: summarise(bursts.open!),
          ratios: ratios(bursts.verified!, bursts.open!),
        };
        log(`overhead ${surface} c=${connections}: rps ×${result.ratios.rps}, p50 ×${result.ratios.p50}, p99 ×${result.ratios.p99}, cpu ×${result.ratios.cpu}`);
        overhead.push(result);
      }
    }

    const cma = targets.cma;
    const variants: Record<string, Request> = {
      full: request(ports.verified, cma, tokens.main),
      'full-again': request(ports.verified, cma, tokens.main),
      'no-rate-limit': request(ports['no-rate-limit'], cma, tokens.main),
      'no-last-access': request(ports['no-last-access'], cma, tokens.main),
      allowlisted: request(ports.verified, cma, tokens.allowlisted),
    };
    variants['deep-unscoped'] = request(ports.verified, targets.deep, tokens.main);
    variants['deep-scoped'] = request(ports.verified, targets.deep, tokens.scoped);
    await preflight(variants);
    const alternation: Alternation = { cycles: plan.cycles, seconds: plan.seconds, warmupSeconds: plan.warmupSeconds, connections: plan.extrasConnections };
    const bursts = await alternate(variants, alternation, server.pid);
    const pairs: [string, string, string, string, Target][] = [
      ['none (A/A)', 'full-again', 'full', 'the same variant against itself: the noise floor of every ratio in this run', cma],
      ['rate limiting', 'full', 'no-rate-limit', 'GCRA per token and surface, X-RateLimit-* headers; off: limiter returns nothing', cma],
      ['last-access tracking', 'full', 'no-last-access', 'in-memory last access per token and surface, flushed in batches; off: nothing recorded', cma],
      ['IP allowlist', 'allowlisted', 'full', `${BENCH_ALLOWLIST.length} CIDRs, the matching one last; vs no allowlist`, cma],
    ];
    pairs.push([
      'root-node scope',
      'deep-scoped',
      'deep-unscoped',
      `record ${TREE_DEPTH} levels deep, token scoped to a page near the top; vs no root nodes`,
      targets.deep,
    ]);
    const extras = pairs.map(([extra, on, off, description, target]) => {
      const result = {
        extra,
        description,
        route: describe(target),
        connections: plan.extrasConnections,
        cycles: plan.cycles,
        seconds: plan.seconds,
        subject: summarise(bursts[on]!),
        baseline: summarise(bursts[off]!),
        ratios: ratios(bursts[on]!, bursts[off]!),
      };
      log(`extra ${extra}: rps ×${result.ratios.rps}, p99 ×${result.ratios.p99}, cpu ×${result.ratios.cpu}`);
      return result;
    });
    const bareFloor = await compareWithBareFastify(plan, ports, tokens, targets, server.pid, log);
    return { overhead, extras, bareFloor };
  } finally {
    await server.stop();
  }
}
