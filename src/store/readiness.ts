/**
 * @module
 * Readiness for load balancers: can this instance serve every request right now? Three checks,
 * answered by one cheap query: the database answers (within `timeoutMs`), every migration this
 * build knows is applied, and (on PostgreSQL, when serving alongside others) the change listener
 * is connected, without which a revocation made elsewhere would go unheard here.
 *
 * Concurrent probes share one query, so a load balancer (or anyone, the route is public) polling
 * hard costs the database one small query at a time.
 */
import { sql, type Kysely } from 'kysely';
import type { Database } from './schema.ts';
import { migrationProvider } from './migrations/index.ts';
import { DatabaseUnavailable, isDatabaseUnavailable } from './unavailable.ts';

export interface Readiness {
  readonly ready: boolean;
  readonly checks: {
    /** `error`: the database answered with something other than an outage (see the server log). */
    readonly database: 'ok' | 'unavailable' | 'error';
    readonly migrations: 'ok' | 'pending' | 'unknown';
    readonly listener: 'ok' | 'disconnected' | 'not_used';
  };
}

export type ReadinessProbe = () => Promise<Readiness>;

export interface ReadinessOptions {
  readonly db: Kysely<Database>;
  /** Whether the change listener is connected; null where none is used (SQLite, one-shot commands). */
  readonly listenerConnected: (() => boolean) | null;
  readonly timeoutMs?: number;
  /** Told about a database failure that is not an outage, which would otherwise go unexplained. */
  readonly onError?: (error: unknown) => void;
}

/** Kysely's bookkeeping table, found through the connection's search path like every other table. */
const MIGRATION_TABLE = 'kysely_migration';

export function createReadinessProbe(options: ReadinessOptions): ReadinessProbe {
  const timeoutMs = options.timeoutMs ?? 2_000;
  let inFlight: Promise<Readiness> | null = null;

  const probe = async (): Promise<Readiness> => {
    const listener = options.listenerConnected === null ? 'not_used' : options.listenerConnected() ? 'ok' : 'disconnected';
    let database: Readiness['checks']['database'] = 'ok';
    let migrations: Readiness['checks']['migrations'] = 'unknown';
    try {
      const known = Object.keys(await migrationProvider.getMigrations());
      const { rows } = await withTimeout(sql<{ name: string }>`select name from ${sql.table(MIGRATION_TABLE)}`.execute(options.db), timeoutMs);
      const applied = new Set(rows.map((r) => r.name));
      migrations = known.every((name) => applied.has(name)) ? 'ok' : 'pending';
    } catch (error) {
      if (isDatabaseUnavailable(error)) database = 'unavailable';
      else {
        database = 'error';
        options.onError?.(error);
      }
    }
    return { ready: database === 'ok' && migrations === 'ok' && listener !== 'disconnected', checks: { database, migrations, listener } };
  };

  return () => {
    inFlight ??= probe().finally(() => {
      inFlight = null;
    });
    return inFlight;
  };
}

/** Rejects with an outage after `ms`, so a hung database reads as unavailable. */
function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DatabaseUnavailable(new Error('readiness query timed out'))), ms);
  });
  // The query may still settle after the timeout; nobody waits for it any more.
  work.catch(() => {});
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
