/**
 * @module
 * The server process of the content-scale suite (run pinned to its own core): the production app,
 * verification and all, opened on a store that the suite has seeded. Prints one JSON line
 * describing itself, then serves until SIGTERM. The suite kills it outright when a request keeps
 * it busy past its bound: a server stuck in one long request would never get to a SIGTERM handler.
 */
import { loadConfig } from '../../src/config.ts';
import { createRuntime } from '../../src/cli/runtime.ts';
import { SERVER_MODULES } from '../../src/cli/serve.ts';
import { buildApp } from '../../src/http/app.ts';

const dataDir = process.argv[2];
if (!dataDir) throw new Error('usage: content-scale.ts <data dir>');

const runtime = await createRuntime(loadConfig({ dataDir, logLevel: 'silent' }, {}));
runtime.deps.recorder.start(10_000, (error) => process.stderr.write(`last-access flush failed: ${String(error)}\n`));
const app = await buildApp(runtime.deps, { extraRoutes: SERVER_MODULES });
await app.listen({ host: '127.0.0.1', port: 0 });
const address = app.server.address();
if (typeof address !== 'object' || address === null) throw new Error('not listening');

process.stdout.write(`${JSON.stringify({ pid: process.pid, port: address.port })}\n`);

process.once('SIGTERM', () => {
  void (async () => {
    await app.close();
    await runtime.close();
    process.exit(0);
  })();
});
