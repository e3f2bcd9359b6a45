/**
 * @module
 * `latchkey serve`: initialise on first start (printing the factory secrets exactly once), then
 * listen until SIGINT/SIGTERM, flushing last-access data on the way out.
 */
import type { Config } from '../config.ts';
import { buildApp, type RouteRegistrar } from '../http/app.ts';
import { createRuntime } from './runtime.ts';
import { printFactorySecrets } from './output.ts';
import { registerGraphqlRoutes } from '../graphql/route.ts';

/** Route modules beyond the CMA core (the GraphQL CDA and friends register here). */
export const SERVER_MODULES: RouteRegistrar[] = [registerGraphqlRoutes];

export async function serve(config: Config): Promise<void> {
  const runtime = await createRuntime(config);
  const { created } = await runtime.init();
  if (created) printFactorySecrets(created, config.bootstrapAdminToken !== undefined || config.bootstrapReadonlyToken !== undefined);

  const app = await buildApp(runtime.deps, {
    logger: config.logLevel === 'silent' ? false : { level: config.logLevel },
    extraRoutes: SERVER_MODULES,
  });
  runtime.deps.recorder.start(config.accessFlushMs, (error) => app.log.error({ err: error }, 'last-access flush failed'));

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    app.log.info({ signal }, 'shutting down');
    await app.close();
    await runtime.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));

  await app.listen({ host: config.host, port: config.port });
  const address = app.server.address();
  const where = typeof address === 'object' && address ? `http://${config.host}:${address.port}` : String(address);
  process.stdout.write(`Latchkey is serving on ${where} (${runtime.store.dialect}${config.databaseUrl ? '' : `, data in ${config.dataDir}`})\n`);
}
