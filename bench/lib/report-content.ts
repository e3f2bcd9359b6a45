/**
 * @module
 * The content-scale part of `docs/benchmarks.md`, from `bench/results/content-scale.json`: its goals
 * (throughput at the largest level against the smallest, server memory at the largest), then one
 * table per token with every query at every level.
 */
import type { ContentScaleResults, LevelResult, Outcome, TokenName } from '../suites/content-scale.ts';
import type { Goal } from './report.ts';
import { SECTIONS, SUBSECTIONS } from './content-seed.ts';

const int = (n: number) => Math.round(n).toLocaleString('en-US');
const ms = (us: number) => `${(us / 1000).toFixed(us < 10_000 ? 2 : 0)} ms`;

/** The queries whose throughput must not depend on the number of records (issue 9, point 6). */
const STEADY = ['page', 'by-id', 'cma-page'];
const RATIO_TARGET = 0.5;
const RSS_TARGET_MIB = 300;

function outcomeOf(level: LevelResult, query: string, token: TokenName): Outcome | undefined {
  return level.results.find((r) => r.query === query && r.token === token)?.outcome;
}

const rpsOf = (o: Outcome | undefined): number | null => (o?.kind === 'measured' && o.summary.failures === 0 ? o.summary.rps : null);

function cell(o: Outcome | undefined): string {
  if (!o) return '–';
  switch (o.kind) {
    case 'measured':
      return `${int(o.summary.rps)} req/s, ${ms(o.summary.p50Us)} / ${ms(o.summary.p99Us)}${o.summary.failures > 0 ? `, **${o.summary.failures} failed**` : ''}`;
    case 'too-slow':
      return `too slow (> ${o.boundSeconds} s)${o.probeMs !== null ? `: ${int(o.probeMs)} ms alone` : ''}`;
    case 'failed':
      return `**failed**: ${o.reason.replaceAll('|', '\\|')}`;
  }
}

/** Throughput at the last level over the first; null when either was not measured. */
function ratio(results: ContentScaleResults, query: string, token: TokenName): number | null {
  const first = rpsOf(outcomeOf(results.levels[0]!, query, token));
  const last = rpsOf(outcomeOf(results.levels.at(-1)!, query, token));
  return first !== null && last !== null && first > 0 ? last / first : null;
}

export function contentScaleGoals(results: ContentScaleResults): Goal[] {
  if (results.levels.length < 2) return [];
  const first = int(results.levels[0]!.records);
  const last = results.levels.at(-1)!;
  const list: Goal[] = [];
  for (const token of ['unscoped', 'scoped'] as const) {
    for (const name of STEADY) {
      const label = results.queries.find((q) => q.name === name)?.label ?? name;
      const r = ratio(results, name, token);
      list.push({
        goal: `Throughput at ${int(last.records)} records vs ${first}: ${label}, ${token} token`,
        target: `≥ ×${RATIO_TARGET.toFixed(2)}`,
        measured: r === null ? cell(outcomeOf(last, name, token)) : `×${r.toFixed(2)}`,
        pass: r !== null && r >= RATIO_TARGET,
      });
    }
  }
  const rss = Math.max(last.rssMiB || 0, last.peakRssMiB || 0);
  list.push({
    goal: `Server RSS (peak) at ${int(last.records)} records`,
    target: `≤ ${RSS_TARGET_MIB} MiB`,
    measured: `${int(rss)} MiB`,
    pass: rss > 0 && rss <= RSS_TARGET_MIB,
  });
  return list;
}

function table(head: readonly string[], rows: readonly (readonly string[])[]): string {
  return [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}

export function renderContentScale(results: ContentScaleResults): string {
  const p = results.plan;
  const levels = results.levels;
  const out: string[] = ['## Content at scale', ''];
  out.push(
    `Published \`article\` records (title, body) under one website of ${SECTIONS} sections × ${SUBSECTIONS} sub-sections; the scoped token's root node is`,
    'the first section (a tenth of the articles). The project, its models, sections, tokens and first article are made',
    'through the app; the other articles are copies of that row written straight into the store. At each level a fresh',
    `\`latchkey serve\`-equivalent server (the production app, pinned to its core, V8 heap limit ${int(p.heapMiB)} MiB) answers`,
    `each query: ${p.probes} single requests whose answers are checked (count, page size, order, the record looked up),`,
    `then a ${p.warmupSeconds} s warm-up and a ${p.seconds} s burst at ${p.connections} connections. A query whose single request takes longer`,
    `than ${p.maxProbeSeconds} s is not put under load and shows as *too slow*; a request cut off after ${p.requestTimeoutSeconds} s restarts the server.`,
    `Levels run one after another (run of ${results.date}, ${results.durationSeconds} s, load average ${results.machine.loadAverageAtStart.join(' / ')} at start,`,
    `${results.machine.loadAverageAtEnd.join(' / ')} at end${results.quick ? '; **quick plan: the numbers mean nothing**' : ''}).`,
    '',
  );
  const goals = contentScaleGoals(results);
  if (goals.length > 0)
    out.push(
      table(
        ['Goal', 'Target', 'Measured', ''],
        goals.map((g) => [g.goal, g.target, g.measured, g.pass ? 'pass' : '**FAIL**']),
      ),
      '',
    );
  for (const token of ['unscoped', 'scoped'] as const) {
    out.push(`### ${token === 'unscoped' ? 'Unscoped token' : 'Token scoped to the first section'}`, '');
    const head = ['Query', ...levels.map((l) => `${int(l.records)} (${int(l.visible[token])} visible): req/s, p50 / p99`)];
    if (levels.length >= 2) head.push(`req/s ${int(levels.at(-1)!.records)} vs ${int(levels[0]!.records)}`);
    const rows = results.queries.map((q) => {
      const row = [q.label, ...levels.map((l) => cell(outcomeOf(l, q.name, token)))];
      if (levels.length >= 2) {
        const r = ratio(results, q.name, token);
        row.push(r === null ? '–' : `×${r.toFixed(2)}`);
      }
      return row;
    });
    out.push(table(head, rows), '');
  }
  out.push(
    table(
      ['Records', 'Seeding', 'Server RSS after the level', 'Peak RSS', 'Server starts'],
      levels.map((l) => [
        int(l.records),
        `${l.seedSeconds} s`,
        Number.isFinite(l.rssMiB) ? `${l.rssMiB} MiB` : '–',
        `${l.peakRssMiB} MiB`,
        String(l.serverStarts),
      ]),
    ),
    '',
    'More than one server start in a level means a request had to be cut off (or the server died) and the server was restarted.',
    '',
  );
  return out.join('\n');
}
