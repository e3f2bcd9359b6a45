/**
 * @module
 * The server process of the paired HTTP benchmarks (run pinned to its own core). One process hosts
 * every variant, each a full app on its own port, so variants share the runtime, the database, the
 * JIT and the machine's mood; the load generator alternates between them. A bare Fastify
 * hello-world on its own port is the floor a route is compared with: what any Fastify server pays
 * per request before doing anything of its own. Prints one JSON line
 * describing itself, then serves until SIGTERM.
 */
import { rmSync } from 'node:fs';
import Fastify, { type FastifyInstance } from 'fastify';
import { SERVER_MODULES } from '../../src/cli/serve.ts';
import { buildVariant, type VariantName } from './compose.ts';
import { openBenchProject } from './project.ts';

const VARIANTS: readonly VariantName[] = ['verified', 'open', 'no-rate-limit', 'no-last-access'];

const project = await openBenchProject();
const { runtime } = project;
runtime.deps.recorder.start(10_000, (error) => process.stderr.write(`last-access flush failed: ${String(error)}\n`));

const apps: FastifyInstance[] = [];
const ports: Record<string, number> = {};
for (const variant of VARIANTS) {
  const app = await buildVariant(runtime.deps, variant, project.principal, SERVER_MODULES);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  if (typeof address !== 'object' || address === null) throw new Error('not listening');
  ports[variant] = address.port;
  apps.push(app);
}

// Fastify's defaults, no logger, one route: the least a Fastify server answers with.
const bare = Fastify({ logger: false });
bare.get('/', async () => ({ hello: 'world' }));
await bare.listen({ host: '127.0.0.1', port: 0 });
const bareAddress = bare.server.address();
if (typeof bareAddress !== 'object' || bareAddress === null) throw new Error('not listening');
ports.bare = bareAddress.port;
apps.push(bare);

process.stdout.write(`${JSON.stringify({ pid: process.pid, ports, tokens: project.tokens, targets: project.targets })}\n`);

process.once('SIGTERM', () => {
  void (async () => {
    for (const app of apps) await app.close();
    await runtime.close();
    rmSync(project.dataDir, { recursive: true, force: true });
    process.exit(0);
  })();
});
