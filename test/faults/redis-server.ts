/**
 * A Redis of the suite's own: `redis-server` as a child on a free port of 127.0.0.1, without
 * persistence, that the suite can kill, pause (SIGSTOP) and start again on the same port.
 */
import { execFileSync } from 'node:child_process';
import { Redis } from 'ioredis';
import { freePort, startChild, waitFor, type Child } from './children.ts';

export function redisServerAvailable(): boolean {
  try {
    execFileSync('redis-server', ['--version'], { stdio: 'ignore', timeout: 10_000 });
    return true;
  } catch {
    return false;
  }
}

export class OwnRedis {
  #child: Child | null = null;
  private constructor(readonly port: number) {}

  static async start(): Promise<OwnRedis> {
    const redis = new OwnRedis(await freePort());
    await redis.start();
    return redis;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    this.#child = startChild('redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no']);
    await waitFor('redis-server answers PING', () => this.#answers(), 10_000, 50);
  }

  /** SIGKILL: gone at once, as in a crash. */
  async kill(): Promise<void> {
    const child = this.#child;
    this.#child = null;
    child?.signal('SIGKILL');
    await child?.stop(1_000);
  }

  /** SIGSTOP: the connection stays open and nothing answers, as with a hung host. */
  pause(): void {
    this.#child?.signal('SIGSTOP');
  }

  resume(): void {
    this.#child?.signal('SIGCONT');
  }

  async stop(): Promise<void> {
    const child = this.#child;
    this.#child = null;
    await child?.stop(2_000);
  }

  async #answers(): Promise<boolean> {
    const client = new Redis(this.url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 1_000, commandTimeout: 1_000 });
    client.on('error', () => {});
    try {
      await client.connect();
      return (await client.ping()) === 'PONG';
    } catch {
      return false;
    } finally {
      client.disconnect();
    }
  }
}
