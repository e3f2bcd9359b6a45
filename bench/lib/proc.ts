/**
 * @module
 * Processes of a benchmark: the server pinned to core 0, the load generator (this process) on
 * core 1, so they never compete for a core; server CPU time and memory read from /proc.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

function hasTaskset(): boolean {
  try {
    execFileSync('taskset', ['-p', String(process.pid)], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Pinning needs two cores and `taskset`; without them the numbers are still paired, only noisier. */
export const PINNING = availableParallelism() >= 2 && process.platform === 'linux' && hasTaskset();
export const SERVER_CORE = '0';
export const LOAD_CORE = '1';

/** Moves every thread of this process (the load generator) to the load core. */
export function pinSelf(): void {
  if (PINNING) execFileSync('taskset', ['-a', '-p', '-c', LOAD_CORE, String(process.pid)], { stdio: 'ignore' });
}

/** Starts a command pinned to the server core, without waiting for anything. */
export function spawnPinned(args: readonly string[], env: NodeJS.ProcessEnv = {}): ChildProcess {
  const [command, ...rest] = PINNING ? ['taskset', '-c', SERVER_CORE, ...args] : args;
  return spawn(command as string, rest, { cwd: ROOT, env: { ...process.env, NODE_ENV: 'production', ...env }, stdio: 'ignore' });
}

export interface Child<T> {
  readonly process: ChildProcess;
  readonly pid: number;
  /** The first JSON line the child printed. */
  readonly hello: T;
  stop(): Promise<void>;
}

/** Starts a TypeScript module of `bench/` pinned to the server core; resolves on its first JSON line. */
export function startPinned<T>(module: string, args: readonly string[] = [], env: NodeJS.ProcessEnv = {}): Promise<Child<T>> {
  const node = [process.execPath, '--expose-gc', '--import', 'tsx', module, ...args];
  const [command, ...rest] = PINNING ? ['taskset', '-c', SERVER_CORE, ...node] : node;
  const child = spawn(command as string, rest, {
    cwd: ROOT,
    env: { ...process.env, NODE_ENV: 'production', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    child.once('exit', (code) => reject(new Error(`${module} exited with ${code} before it was ready`)));
    lines.once('line', (line) => {
      child.removeAllListeners('exit');
      const exited = new Promise<void>((done) => child.once('exit', () => done()));
      // `taskset` execs node, so the child's pid is the server's pid.
      resolve({
        process: child,
        pid: child.pid!,
        hello: JSON.parse(line) as T,
        async stop() {
          if (child.exitCode === null) child.kill('SIGTERM');
          await exited;
        },
      });
    });
  });
}

const TICK_US = 1e6 / Number(execFileSyncSafe('getconf', ['CLK_TCK']) ?? 100);

function execFileSyncSafe(command: string, args: string[]): string | null {
  try {
    return execFileSync(command, args, { encoding: 'utf8' }).trim();
  } catch {
    return null;
  }
}

/** utime + stime of a process in µs (Linux only; NaN elsewhere). */
export function cpuMicros(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * TICK_US;
  } catch {
    return Number.NaN;
  }
}

function statusMiB(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  try {
    const match = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

/** Resident set size in MiB. */
export function rssMiB(pid: number): number {
  return statusMiB(pid, 'VmRSS');
}

/** The highest resident set size the process has had so far, in MiB. */
export function peakRssMiB(pid: number): number {
  return statusMiB(pid, 'VmHWM');
}
