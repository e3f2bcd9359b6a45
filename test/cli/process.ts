/**
 * Running `bin/latchkey.js` as an operator would: a child process with a minimal environment,
 * every wait bounded, every server stopped by its own pid.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = 'bin/latchkey.js';

/** Only what node needs, plus what the test passes: nothing from the developer's shell leaks in. */
export function minimalEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH ?? '/usr/bin:/bin', LATCHKEY_LOG_LEVEL: 'silent', ...extra };
}

export interface RunResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a command to completion (killed after `timeoutMs`). */
export function run(args: readonly string[], env: Record<string, string> = {}, timeoutMs = 30_000): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env: minimalEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`latchkey ${args.join(' ')} did not finish in ${timeoutMs} ms\n${stdout}\n${stderr}`));
    }, timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

export interface Server {
  readonly url: string;
  /** Everything printed up to and including the "serving on" line. */
  readonly stdout: string;
  stop(): Promise<RunResult>;
}

const SERVING = /serving on (http:\/\/127\.0\.0\.1:\d+)/;

/** Starts a server and waits (bounded) for the line that names its URL. */
export function startServer(
  args: readonly string[],
  env: Record<string, string> = {},
  options: { command?: readonly string[]; timeoutMs?: number } = {},
): Promise<Server> {
  const command = options.command ?? [process.execPath, BIN, 'serve', '--port', '0'];
  const [file, ...rest] = command as [string, ...string[]];
  // Its own process group, so a wrapper (npm) and the server it starts are stopped together.
  const child: ChildProcess = spawn(file, [...rest, ...args], { cwd: ROOT, env: minimalEnv(env), stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));

  const signal = (name: NodeJS.Signals) => {
    if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) {
      try {
        process.kill(-child.pid, name);
      } catch {
        // Already gone.
      }
    }
  };
  const stop = async (): Promise<RunResult> => {
    signal('SIGTERM');
    const timer = setTimeout(() => signal('SIGKILL'), 10_000);
    const code = await exited;
    clearTimeout(timer);
    return { code, stdout, stderr };
  };

  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop().then(() => reject(new Error(`no "serving on" line within ${options.timeoutMs ?? 30_000} ms\n${stdout}\n${stderr}`)));
    }, options.timeoutMs ?? 30_000);
    const check = () => {
      const match = SERVING.exec(stdout);
      if (match?.[1]) {
        clearTimeout(timer);
        child.stdout?.off('data', check);
        resolve({ url: match[1], stdout, stop });
      }
    };
    child.stdout?.on('data', check);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code} before serving\n${stdout}\n${stderr}`));
    });
  });
}

/** `GET /users/me` with a secret; the status tells whether the server accepts it. */
export async function whoAmI(url: string, secret: string): Promise<{ status: number; body: { data: unknown } }> {
  const res = await fetch(`${url}/users/me`, {
    headers: { authorization: `Bearer ${secret}`, accept: 'application/json' },
    signal: AbortSignal.timeout(10_000),
  });
  return { status: res.status, body: (await res.json()) as { data: unknown } };
}
