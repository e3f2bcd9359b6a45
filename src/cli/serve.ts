/**
 * @module
 * `latchkey serve`: initialise on first start (printing the factory secrets exactly once), then
 * listen until SIGINT/SIGTERM, flushing last-access data on the way out.
 *
 * A database that is away never ends the server: at start it waits for the database (logging
 * once, retrying with backoff) instead of exiting, and once serving, requests that need it answer
 * 503 while the pool, the change listener and the last-access recorder each recover by
 * themselves.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Config } from '../config.ts';
import { buildApp, type RouteRegistrar } from '../http/app.ts';
import { createRuntime, type Runtime } from './runtime.ts';
import { printConsoleLink, printFactorySecrets } from './output.ts';
import { registerGraphqlRoutes } from '../graphql/route.ts';
import type { BootstrapResult } from '../core/bootstrap.ts';
import { errorMessage, type Log } from '../core/log.ts';
import { jsonLog } from '../runtime/log.ts';
import { isDatabaseUnavailable } from '../store/unavailable.ts';
import { openSecret } from '../core/secret-box.ts';
import { eachToken, TOKEN_CHUNK } from '../core/token-chunks.ts';
import { keyFilePath } from '../runtime/key-file.ts';
import { CliError, describeFailure } from './failure.ts';

/** Route modules beyond the CMA core (the GraphQL CDA and friends register here). */
export const SERVER_MODULES: RouteRegistrar[] = [registerGraphqlRoutes];

/** Start-up retries while the database is unreachable: 250 ms doubling up to this. */
const MAX_START_BACKOFF_MS = 5_000;

export async function serve(config: Config): Promise<void> {
  const log = jsonLog(config.logLevel);
  // A promise nobody awaited must not end a server that is otherwise fine; it is a bug to fix,
  // so it is logged at error level. (Uncaught exceptions still end the process: its state is unknown.)
  process.on('unhandledRejection', (reason) => log('error', 'unhandled promise rejection', { err: errorMessage(reason) }));

  const { runtime, created } = await startRuntime(config, log);
  if (created) printFactorySecrets(created, config.bootstrapAdminToken !== undefined || config.bootstrapReadonlyToken !== undefined);

  const app = await buildApp(runtime.deps, {
    logger: config.logLevel === 'silent' ? false : { level: config.logLevel },
    extraRoutes: SERVER_MODULES,
  });
  runtime.deps.recorder.start(
    config.accessFlushMs,
    (error) => log('warn', 'last-access flush failed; the times are kept and written once the database is back', { err: errorMessage(error) }),
    () => log('info', 'last-access flush resumed'),
  );

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    app.log.info({ signal }, 'shutting down');
    try {
      await app.close();
      await runtime.close();
    } catch (error) {
      log('error', 'shutdown was not clean', { err: errorMessage(error) });
    }
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));

  await app.listen({ host: config.host, port: config.port });
  const address = app.server.address();
  const where = typeof address === 'object' && address ? `http://${config.host}:${address.port}` : String(address);
  process.stdout.write(`Latchkey is serving on ${where} (${runtime.store.dialect}${config.databaseUrl ? '' : `, data in ${config.dataDir}`})\n`);
  printConsoleLink(where);
}

/**
 * Refuses to serve with keys that do not open the stored secrets (a key file lost and recreated,
 * or another project's keys): every retrievable secret would be unreadable. Tries the first sealed
 * secret among the first tokens, which costs one read.
 */
async function checkKeyRing(runtime: Runtime, config: Config): Promise<void> {
  let seen = 0;
  for await (const token of eachToken(runtime.store)) {
    if (token.sealedSecret !== null) {
      if (openSecret(runtime.deps.keyRing, token.sealedSecret, token.id) !== null) return;
      const source = config.encryptionKeys ? 'LATCHKEY_ENCRYPTION_KEYS' : `the key file ${keyFilePath(config.dataDir)}`;
      throw new CliError(
        `${source} does not open the stored secrets (token ${token.id} is sealed with key ${token.sealedSecret.split('.')[0]}): restore the keys the secrets were sealed with`,
      );
    }
    if (++seen >= TOKEN_CHUNK) return;
  }
}

/**
 * Opens, migrates and initialises; while the database is unreachable (not yet started, restarting,
 * a network partition), keeps trying instead of exiting, so that a fleet started before its
 * database comes up by itself. Only connection-class failures are retried: any other failure
 * (bad credentials, a broken migration, a statement cancelled by a timeout) ends the start with a
 * message saying what failed, as retrying would not fix it.
 */
async function startRuntime(config: Config, log: Log): Promise<{ runtime: Runtime; created: BootstrapResult['created'] }> {
  for (let attempt = 0; ; attempt++) {
    try {
      const runtime = await createRuntime(config, { crossInstance: true, log });
      try {
        const { created } = await runtime.init();
        if (attempt > 0) {
          log('info', 'database reachable; starting', { attempts: attempt + 1 });
          process.stderr.write('latchkey: the database answers; starting.\n');
        }
        await checkKeyRing(runtime, config);
        return { runtime, created };
      } catch (error) {
        await runtime.close().catch(() => {});
        throw error;
      }
    } catch (error) {
      if (!isDatabaseUnavailable(error)) {
        if (describeFailure(error) !== null) throw error;
        throw new CliError(`could not start: ${errorMessage(error)}`, { cause: error });
      }
      if (attempt === 0) {
        log('warn', 'database unreachable at start; retrying until it answers', { err: errorMessage(error) });
        // Said once on stderr too, whatever the log level: a server that waits silently looks hung.
        process.stderr.write(`latchkey: cannot reach the database (${errorMessage(error)}); retrying until it answers (Ctrl-C to stop).\n`);
      }
      await sleep(Math.min(MAX_START_BACKOFF_MS, 250 * 2 ** Math.min(attempt, 8)));
    }
  }
}
