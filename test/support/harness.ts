/**
 * One Latchkey per test file: a fresh database, the factory tokens, the app (in-process through
 * `inject`, or listening on 127.0.0.1 for real clients), and a fake clock the test can move.
 */
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { loadConfig, type ConfigInput } from '../../src/config.ts';
import { createRuntime, type Runtime } from '../../src/cli/runtime.ts';
import { buildApp, type RouteRegistrar } from '../../src/http/app.ts';
import { SERVER_MODULES } from '../../src/cli/serve.ts';
import { silentLog, type Log } from '../../src/core/log.ts';
import { createTestDatabase, type DialectName, type TestDatabase } from './databases.ts';

export class FakeClock {
  constructor(public ms = Date.parse('2026-11-18T10:00:00Z')) {}
  now = (): number => this.ms;
  advance(ms: number): void {
    this.ms += ms;
  }
}

export interface Harness {
  readonly app: FastifyInstance;
  readonly runtime: Runtime;
  readonly db: TestDatabase;
  readonly clock: FakeClock;
  readonly adminSecret: string;
  readonly readonlySecret: string;
  /** In-process request; `token` becomes `Authorization: Bearer <token>`, `body` is JSON-encoded. */
  request(
    method: InjectOptions['method'],
    url: string,
    options?: { token?: string; body?: unknown; headers?: Record<string, string> },
  ): Promise<LightMyRequestResponse>;
  /** Starts listening on 127.0.0.1 (random port) and returns the base URL. */
  listen(): Promise<string>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  readonly dialect?: DialectName;
  readonly config?: Partial<ConfigInput>;
  readonly clock?: FakeClock;
  readonly extraRoutes?: readonly RouteRegistrar[];
  /**
   * Another instance over the same database as `join` (which owns it: its close drops the
   * database, this one's does not). No init; the factory secrets and the clock are shared.
   */
  readonly join?: Harness;
  /** Listen for other instances' changes and share rate limits, as `latchkey serve` does. */
  readonly crossInstance?: boolean;
  readonly redisKeyPrefix?: string;
  /** Where the background machinery (listener, rate-limit sync) logs; silent by default. */
  readonly log?: Log;
}

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const joined = options.join;
  const db = joined ? joined.db : await createTestDatabase(options.dialect ?? 'sqlite');
  const clock = options.clock ?? joined?.clock ?? new FakeClock();
  const config = loadConfig({ dataDir: db.dataDir, logLevel: 'silent', ...options.config }, {});
  const runtime = await createRuntime(config, {
    clock,
    target: db.target,
    ...(options.crossInstance ? { crossInstance: true } : {}),
    ...(options.redisKeyPrefix ? { redisKeyPrefix: options.redisKeyPrefix } : {}),
    log: options.log ?? silentLog,
  });
  const created = joined ? { admin: joined.adminSecret, readonly: joined.readonlySecret } : (await runtime.init()).created;
  if (!created) throw new Error('expected a fresh project');
  const app = await buildApp(runtime.deps, { extraRoutes: [...SERVER_MODULES, ...(options.extraRoutes ?? [])] });
  return {
    app,
    runtime,
    db,
    clock,
    adminSecret: created.admin,
    readonlySecret: created.readonly,
    request(method, url, opts = {}) {
      const headers: Record<string, string> = { ...opts.headers };
      if (opts.token !== undefined) headers.authorization = `Bearer ${opts.token}`;
      if (opts.body !== undefined) headers['content-type'] ??= 'application/json';
      return app.inject({
        method,
        url,
        headers,
        ...(opts.body !== undefined ? { payload: typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body) } : {}),
      });
    },
    async listen() {
      await app.listen({ host: '127.0.0.1', port: 0 });
      const address = app.server.address();
      if (typeof address !== 'object' || address === null) throw new Error('not listening');
      return `http://127.0.0.1:${address.port}`;
    },
    async close() {
      await app.close();
      await runtime.close();
      if (!joined) await db.drop();
    },
  };
}
