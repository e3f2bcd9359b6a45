/**
 * What a refused GraphQL document costs the server, next to an ordinary query.
 *
 * Serves the benchmark project in-process and sends each kind of request N times through
 * `app.inject()`, measuring the process's CPU time (user + system) around the batch: the cost of
 * the whole request path — routing, body parsing, authentication, the document checks and
 * execution — per request. The refused query is the one from the hostile-input report: 30 KB of
 * 1,600 identical field selections. "Distinct" variants change a comment each time so that no
 * cache helps. For scale, the last row is what parsing and validating that query with graphql-js
 * alone costs, which is what every request paid before the document limits existed.
 *
 *   npx tsx bench/graphql-refusal.ts [--requests 500]
 */
import { rmSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { parse, specifiedRules, validate } from 'graphql';
import { buildApp } from '../src/http/app.ts';
import { SERVER_MODULES } from '../src/cli/serve.ts';
import { openBenchProject } from './server/project.ts';

const { values } = parseArgs({ options: { requests: { type: 'string', default: '500' } } });
const N = Math.max(10, Number(values.requests));

const project = await openBenchProject();
const app = await buildApp(project.runtime.deps, { extraRoutes: SERVER_MODULES });
const headers = { authorization: `Bearer ${project.tokens.main}`, 'content-type': 'application/json' };
const cdaBody = project.targets.cda.body ?? '';
const hostile = `{ allArticles { ${'title '.repeat(1_600)}} }`.padEnd(30_000, ' ');

/** Microseconds of CPU per request, after a warm-up of a tenth of the batch. */
async function cpuPerRequest(body: (i: number) => string, expectErrors: boolean): Promise<number> {
  const send = async (i: number) => {
    const res = await app.inject({ method: 'POST', url: '/graphql', headers, payload: body(i) });
    const hasErrors = res.statusCode === 200 && 'errors' in (res.json() as object);
    if (res.statusCode !== 200 || hasErrors !== expectErrors) throw new Error(`unexpected answer ${res.statusCode}: ${res.body.slice(0, 200)}`);
  };
  for (let i = 0; i < N / 10; i++) await send(-1 - i);
  const start = process.cpuUsage();
  for (let i = 0; i < N; i++) await send(i);
  const used = process.cpuUsage(start);
  return (used.user + used.system) / N;
}

const rows: [string, number][] = [
  ['floor: a 20-byte invalid query (cached refusal)', await cpuPerRequest(() => JSON.stringify({ query: '{ nope }' }), true)],
  ['ordinary query (ten articles), cached document', await cpuPerRequest(() => cdaBody, false)],
  ['refused 30 KB query, same text (cached refusal)', await cpuPerRequest(() => JSON.stringify({ query: hostile }), true)],
  ['refused 30 KB query, distinct texts (no cache)', await cpuPerRequest((i) => JSON.stringify({ query: `${hostile.trimEnd()} # ${i}` }), true)],
  [
    'ordinary query, distinct texts (parsed and validated each time)',
    await cpuPerRequest((i) => JSON.stringify({ query: `${(JSON.parse(cdaBody) as { query: string }).query} # ${i}` }), false),
  ],
];

// What the same 30 KB query costs graphql-js without the limits: parse plus the standard rules.
const { DeliverySchemas } = await import('../src/graphql/cache.ts');
const schemas = new DeliverySchemas(project.runtime.store, { now: () => Date.now() }, { recheckMs: 60_000, maxDocuments: 10, maxDepth: 12 });
const { schema } = await schemas.current();
const runs = Math.max(5, Math.floor(N / 50));
const start = process.cpuUsage();
for (let i = 0; i < runs; i++) validate(schema, parse(hostile), specifiedRules);
const used = process.cpuUsage(start);
rows.push(['the 30 KB query parsed and validated without the limits (graphql-js only)', (used.user + used.system) / runs]);

for (const [label, micros] of rows) process.stdout.write(`${label.padEnd(78)} ${(micros / 1000).toFixed(3).padStart(9)} ms CPU\n`);
await app.close();
await project.runtime.close();
rmSync(project.dataDir, { recursive: true, force: true });
