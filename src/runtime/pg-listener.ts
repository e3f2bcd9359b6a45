/**
 * @module
 * Cross-instance cache invalidation: one dedicated PostgreSQL connection per instance runs
 * `LISTEN latchkey_changes` and republishes every change other instances announce (the store
 * sends `pg_notify` inside the writing transaction, so a change and its notification commit
 * together) on this instance's change bus, where the token cache drops what it holds.
 *
 * PostgreSQL keeps no backlog: a notification sent while this connection is down is lost. So
 * every (re)connect, once LISTEN is in place, publishes `{ kind: 'all' }` and the cache starts
 * over; whatever changed while we were deaf is read fresh from the database. A heartbeat query
 * notices a half-open connection (a silent network partition) within `heartbeatMs`, and the
 * token cache's TTL bounds staleness for anything lost any other way.
 *
 * The connection must be a direct or session-pooled one: LISTEN is session state, which
 * PgBouncer's transaction pooling does not keep.
 */
import pg from 'pg';
import { parseChange, type ChangeBus } from '../core/changes.ts';
import { CHANGE_CHANNEL } from '../store/sql-context.ts';
import { errorMessage, type Log } from '../core/log.ts';

export interface PgListenerOptions {
  readonly url: string;
  readonly bus: ChangeBus;
  readonly log: Log;
  /** First reconnect delay; doubles per failed attempt up to `maxBackoffMs` (with jitter). */
  readonly minBackoffMs?: number;
  readonly maxBackoffMs?: number;
  /** How often the connection is probed, and how long a probe may take before it counts as lost. */
  readonly heartbeatMs?: number;
}

export class PgChangeListener {
  readonly #options: Required<PgListenerOptions>;
  readonly #dead = new WeakSet<pg.Client>();
  #client: pg.Client | null = null;
  #backendPid: number | null = null;
  #closed = false;
  #failures = 0;
  #connections = 0;
  #retry: NodeJS.Timeout | null = null;
  #heartbeat: NodeJS.Timeout | null = null;

  constructor(options: PgListenerOptions) {
    // Backoff capped at 2 s: after an outage the listener is back (and the cache flushed) within
    // about 2 s of the database; an attempt costs one refused connection per instance meanwhile.
    this.#options = { minBackoffMs: 100, maxBackoffMs: 2_000, heartbeatMs: 10_000, ...options };
  }

  /** Connects once; if that fails, keeps trying in the background. Never rejects. */
  start(): Promise<void> {
    return this.#connect();
  }

  get connected(): boolean {
    return this.#client !== null;
  }

  /** How many times LISTEN has been established (1 after start, +1 per reconnect). */
  get connections(): number {
    return this.#connections;
  }

  /** The server process of the listening connection, for operators (pg_stat_activity) and tests. */
  get backendPid(): number | null {
    return this.#backendPid;
  }

  async close(): Promise<void> {
    this.#closed = true;
    if (this.#retry) clearTimeout(this.#retry);
    if (this.#heartbeat) clearInterval(this.#heartbeat);
    this.#retry = this.#heartbeat = null;
    const client = this.#client;
    this.#client = null;
    if (client) {
      this.#dead.add(client);
      await client.end().catch(() => {});
    }
  }

  async #connect(): Promise<void> {
    if (this.#closed) return;
    const { url, bus, heartbeatMs } = this.#options;
    const client = new pg.Client({
      connectionString: url,
      keepAlive: true,
      application_name: 'latchkey-listener',
      query_timeout: heartbeatMs,
      connectionTimeoutMillis: Math.min(heartbeatMs, 5_000),
    });
    client.on('error', (error) => this.#lost(client, error));
    client.on('end', () => this.#lost(client, new Error('connection closed')));
    client.on('notification', (message) => {
      if (message.channel === CHANGE_CHANNEL) bus.publish(parseChange(message.payload ?? ''));
    });
    let pid: number;
    try {
      await client.connect();
      await client.query(`LISTEN ${CHANGE_CHANNEL}`);
      const result = await client.query<{ pid: number }>('select pg_backend_pid() as pid');
      pid = result.rows[0]?.pid ?? 0;
    } catch (error) {
      this.#lost(client, error);
      return;
    }
    if (this.#closed || this.#dead.has(client)) {
      await client.end().catch(() => {});
      return;
    }
    this.#client = client;
    this.#backendPid = pid;
    this.#connections++;
    if (this.#failures > 0) this.#options.log('info', 'change listener reconnected; token cache flushed', { attempts: this.#failures });
    this.#failures = 0;
    // Notifications sent while nobody listened are gone: forget everything cached until now.
    bus.publish({ kind: 'all' });
    this.#heartbeat = setInterval(() => {
      client.query('select 1').catch((error: unknown) => this.#lost(client, error));
    }, heartbeatMs);
    this.#heartbeat.unref();
  }

  #lost(client: pg.Client, error: unknown): void {
    if (this.#dead.has(client)) return;
    this.#dead.add(client);
    client.end().catch(() => {});
    if (this.#client === client) {
      this.#client = null;
      this.#backendPid = null;
      if (this.#heartbeat) clearInterval(this.#heartbeat);
      this.#heartbeat = null;
    }
    if (this.#closed) return;
    // One line per outage, not one per attempt.
    if (this.#failures === 0) {
      this.#options.log('warn', 'change listener lost its database connection; reconnecting (token cache TTL is the backstop meanwhile)', {
        err: errorMessage(error),
      });
    }
    this.#scheduleRetry();
  }

  #scheduleRetry(): void {
    if (this.#retry || this.#closed) return;
    const { minBackoffMs, maxBackoffMs } = this.#options;
    const base = Math.min(maxBackoffMs, minBackoffMs * 2 ** Math.min(this.#failures, 16));
    this.#failures++;
    // Jitter, so instances that lost the database together do not reconnect in lockstep.
    const delay = base / 2 + Math.random() * (base / 2);
    this.#retry = setTimeout(() => {
      this.#retry = null;
      void this.#connect();
    }, delay);
    this.#retry.unref();
  }
}
