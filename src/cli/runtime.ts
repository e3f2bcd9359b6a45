/**
 * @module
 * The composition root: builds everything once from a validated config.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { Config } from '../config.ts';
import { systemClock, type Clock } from '../core/ports.ts';
import { createTokenService, type TokenService } from '../core/tokens.ts';
import { createDirectoryService } from '../core/directory.ts';
import { createContentServices } from '../core/content/services.ts';
import { initProject, type BootstrapResult } from '../core/bootstrap.ts';
import { openStore, type DatabaseTarget } from '../store/database.ts';
import type { SqlStore } from '../store/sql-store.ts';
import { loadKeyRing } from '../store/key-file.ts';
import { TokenCache } from '../store/token-cache.ts';
import { AccessRecorder } from '../store/access-recorder.ts';
import { createMemoryRateLimiter, DEFAULT_RATE_LIMITS } from '../store/rate-limiter.ts';
import type { AppDeps } from '../http/context.ts';

export const DATABASE_FILE = 'latchkey.db';

export function databaseTarget(config: Config): DatabaseTarget {
  return config.databaseUrl
    ? { kind: 'postgres', url: config.databaseUrl }
    : { kind: 'sqlite', path: join(config.dataDir, DATABASE_FILE) };
}

export interface Runtime {
  readonly store: SqlStore;
  readonly deps: AppDeps;
  readonly tokens: TokenService;
  init(): Promise<BootstrapResult>;
  close(): Promise<void>;
}

export async function createRuntime(config: Config, options: { clock?: Clock; target?: DatabaseTarget } = {}): Promise<Runtime> {
  const clock = options.clock ?? systemClock;
  const keyRing = loadKeyRing(config.dataDir, config.encryptionKeys);
  const store = await openStore(options.target ?? databaseTarget(config));
  const random = (n: number) => randomBytes(n);
  const tokens = createTokenService({ store, clock, keyRing, secretMode: config.secretMode, random });
  const recorder = new AccessRecorder(store);
  const deps: AppDeps = {
    store,
    clock,
    keyRing,
    secretMode: config.secretMode,
    tokens,
    directory: createDirectoryService({ store, clock }),
    content: createContentServices({ store, clock }),
    cache: new TokenCache(store, clock, store.changes, { ttlMs: config.cacheTtlMs, maxNegative: 100_000 }),
    rateLimiter: createMemoryRateLimiter(DEFAULT_RATE_LIMITS),
    recorder,
    changes: store.changes,
    bodyLimitBytes: config.bodyLimitBytes,
    trustProxy: config.trustProxy,
  };
  return {
    store,
    deps,
    tokens,
    init: () =>
      store.transaction((tx) =>
        initProject(
          { store: tx, tokens: createTokenService({ store: tx, clock, keyRing, secretMode: config.secretMode, random }), now: () => new Date(clock.now()).toISOString() },
          {
            ...(config.bootstrapAdminToken ? { adminSecret: config.bootstrapAdminToken } : {}),
            ...(config.bootstrapReadonlyToken ? { readonlySecret: config.bootstrapReadonlyToken } : {}),
          },
        ),
      ),
    async close() {
      await recorder.stop();
      await store.close();
    },
  };
}
