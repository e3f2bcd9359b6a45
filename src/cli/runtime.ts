/**
 * @module
 * The composition root: builds everything once from a validated config.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { Config } from '../config.ts';
import { systemClock, type Clock } from '../core/ports.ts';
import type { TokenDeps } from '../core/tokens.ts';
import { initProject, type BootstrapResult } from '../core/bootstrap.ts';
import { openStore, type DatabaseTarget, type OpenOptions } from '../store/database.ts';
import type { SqlStore } from '../store/sql-store.ts';
import { keyFilePath, loadKeyRing } from '../runtime/key-file.ts';
import type { KeyRing } from '../core/secret-box.ts';
import { CliError, fileProblem } from './failure.ts';
import { TokenCache } from '../runtime/token-cache.ts';
import { AccessRecorder } from '../runtime/access-recorder.ts';
import { createMemoryRateLimiter } from '../runtime/rate-limiter.ts';
import type { AppDeps } from '../http/context.ts';
import type { PgChangeListener } from '../runtime/pg-listener.ts';
import type { SharedRateLimiter } from '../runtime/shared-rate-limiter.ts';
import { errorMessage, type Log } from '../core/log.ts';
import { jsonLog } from '../runtime/log.ts';
import { createReadinessProbe } from '../store/readiness.ts';

export const DATABASE_FILE = 'latchkey.db';

export function databaseTarget(config: Config): DatabaseTarget {
  return config.databaseUrl ? { kind: 'postgres', url: config.databaseUrl } : { kind: 'sqlite', path: join(config.dataDir, DATABASE_FILE) };
}

/** The key ring, or a one-line reason why the data directory or the keys cannot be used. */
function openKeyRing(config: Config): KeyRing {
  try {
    return loadKeyRing(config.dataDir, config.encryptionKeys);
  } catch (error) {
    const reason = fileProblem(error);
    if (reason) {
      const path = (error as NodeJS.ErrnoException).path;
      const where = path && path !== config.dataDir ? ` (${path})` : '';
      throw new CliError(`cannot use the data directory ${config.dataDir} (--data-dir or LATCHKEY_DATA_DIR): ${reason}${where}`);
    }
    const source = config.encryptionKeys ? 'LATCHKEY_ENCRYPTION_KEYS' : `the key file ${keyFilePath(config.dataDir)}`;
    throw new CliError(`${source} is not a valid key ring: ${errorMessage(error)}`);
  }
}

/** SQLite result codes of a database file that cannot be opened, read or written. */
const SQLITE_FILE_PROBLEM = /^SQLITE_(CANTOPEN|READONLY|NOTADB|CORRUPT|PERM|IOERR|FULL)/;

/** The store; an SQLite file that cannot be opened or written is named, with the reason. */
async function openStoreAt(target: DatabaseTarget, options: OpenOptions): Promise<SqlStore> {
  try {
    return await openStore(target, options);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (target.kind === 'sqlite' && typeof code === 'string' && (SQLITE_FILE_PROBLEM.test(code) || fileProblem(error))) {
      throw new CliError(`cannot open the SQLite database ${target.path}: ${fileProblem(error) ?? errorMessage(error)}`);
    }
    throw error;
  }
}

export interface Runtime {
  readonly store: SqlStore;
  readonly deps: AppDeps;
  readonly tokens: TokenDeps;
  /** On PostgreSQL with `crossInstance`: hears the changes other instances make. */
  readonly listener: PgChangeListener | null;
  /** With `crossInstance` and a Redis URL: the rate limits shared with other instances. */
  readonly sharedRateLimits: SharedRateLimiter | null;
  init(): Promise<BootstrapResult>;
  close(): Promise<void>;
}

export interface RuntimeOptions {
  readonly clock?: Clock;
  readonly target?: DatabaseTarget;
  /**
   * Serving alongside other instances: listen for their changes (PostgreSQL) and share rate
   * limits (Redis, when configured). Off for one-shot commands, which serve no requests.
   */
  readonly crossInstance?: boolean;
  readonly log?: Log;
  /** Redis key prefix for the shared rate limits (default `latchkey:`). */
  readonly redisKeyPrefix?: string;
}

export async function createRuntime(config: Config, options: RuntimeOptions = {}): Promise<Runtime> {
  const clock = options.clock ?? systemClock;
  const log = options.log ?? jsonLog(config.logLevel);
  const keyRing = openKeyRing(config);
  const target = options.target ?? databaseTarget(config);
  const store = await openStoreAt(target, { log, schemaTtlMs: config.cacheTtlMs });
  const rateDefaults = { cma: config.cmaRateLimit, cda: config.cdaRateLimit };
  // Loaded only when used, so one-shot commands and single instances never load the Redis client.
  const listener =
    options.crossInstance && target.kind === 'postgres'
      ? new (await import('../runtime/pg-listener.ts')).PgChangeListener({ url: target.url, bus: store.changes, log })
      : null;
  const sharedRateLimits =
    options.crossInstance && config.redisUrl
      ? new (await import('../runtime/shared-rate-limiter.ts')).SharedRateLimiter({
          url: config.redisUrl,
          defaults: rateDefaults,
          clock,
          log,
          ...(options.redisKeyPrefix ? { keyPrefix: options.redisKeyPrefix } : {}),
        })
      : null;
  const random = (n: number) => randomBytes(n);
  const tokens: TokenDeps = { store, clock, keyRing, secretMode: config.secretMode, random };
  const recorder = new AccessRecorder(store);
  const deps: AppDeps = {
    store,
    clock,
    keyRing,
    secretMode: config.secretMode,
    tokens,
    directory: { store, clock },
    content: { store, clock, random },
    cache: new TokenCache(store, clock, store.changes, { ttlMs: config.cacheTtlMs, maxNegative: 100_000 }),
    rateLimiter: sharedRateLimits ? sharedRateLimits.limit : createMemoryRateLimiter(rateDefaults),
    recorder,
    changes: store.changes,
    bodyLimitBytes: config.bodyLimitBytes,
    readiness: createReadinessProbe({
      db: store.db,
      listenerConnected: listener ? () => listener.connected : null,
      onError: (error) => log('error', 'readiness check failed', { err: errorMessage(error) }),
    }),
    trustProxy: config.trustProxy,
  };
  // Both start after the cache subscribed to the bus, so the listener's first flush reaches it.
  await listener?.start();
  await sharedRateLimits?.start();
  return {
    store,
    deps,
    tokens,
    listener,
    sharedRateLimits,
    // One transaction under the setup lock: instances starting together initialise once, and a
    // crash half-way leaves no Admin role without its tokens (which would block every later start).
    init: () =>
      store.setupTransaction((tx) =>
        initProject(
          {
            store: tx,
            tokens: { store: tx, clock, keyRing, secretMode: config.secretMode, random },
            now: () => new Date(clock.now()).toISOString(),
          },
          {
            ...(config.bootstrapAdminToken ? { adminSecret: config.bootstrapAdminToken } : {}),
            ...(config.bootstrapReadonlyToken ? { readonlySecret: config.bootstrapReadonlyToken } : {}),
          },
        ),
      ),
    async close() {
      await listener?.close();
      await sharedRateLimits?.close();
      try {
        await recorder.stop();
      } catch (error) {
        // The database is away at shutdown: say what is lost rather than fail the shutdown.
        log('error', 'last-access times could not be written at shutdown', { err: errorMessage(error), tokens: recorder.pendingCount });
      } finally {
        await store.close();
      }
    },
  };
}
