/**
 * Child processes for the fault suites: every one bound to 127.0.0.1 on a port of its own, every
 * wait bounded, every child stopped by its own pid, never by name.
 */
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

/** A port that was free a moment ago (the kernel picks it; we release it and hand it on). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Polls `ready` until it holds, at most `timeoutMs`; throws with `what` otherwise. */
export async function waitFor(what: string, ready: () => Promise<boolean> | boolean, timeoutMs: number, everyMs = 50): Promise<void> {
  const until = performance.now() + timeoutMs;
  for (;;) {
    if (await ready()) return;
    if (performance.now() >= until) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await sleep(everyMs);
  }
}

export interface Child {
  readonly pid: number;
  readonly process: ChildProcess;
  /** Everything written so far. */
  output(): string;
  /** Whether the process has ended, and how. */
  exit(): { code: number | null; signal: NodeJS.Signals | null } | null;
  signal(name: NodeJS.Signals): void;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once it has ended. */
  stop(graceMs?: number): Promise<void>;
}

export function startChild(file: string, args: readonly string[], options: SpawnOptions = {}): Child {
  const child = spawn(file, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options });
  if (child.pid === undefined) throw new Error(`could not start ${file}`);
  const pid = child.pid;
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  let ended: { code: number | null; signal: NodeJS.Signals | null } | null = null;
  const exited = new Promise<void>((resolve) =>
    child.on('exit', (code, signal) => {
      ended = { code, signal };
      resolve();
    }),
  );
  const signal = (name: NodeJS.Signals) => {
    if (ended) return;
    try {
      process.kill(pid, name);
    } catch {
      // Already gone.
    }
  };
  return {
    pid,
    process: child,
    output: () => output,
    exit: () => ended,
    signal,
    async stop(graceMs = 5_000) {
      if (ended) return;
      signal('SIGCONT');
      signal('SIGTERM');
      const timer = setTimeout(() => signal('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}
