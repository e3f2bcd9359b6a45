/**
 * A `latchkey serve` child process the crash suite can kill without warning: its own process
 * group, stopped by its pid (SIGKILL for the crash, SIGTERM at the end), every wait bounded.
 */
import { spawn } from 'node:child_process';
import { ROOT, minimalEnv } from '../cli/process.ts';

const SERVING = /serving on (http:\/\/127\.0\.0\.1:\d+)/;

export interface Child {
  readonly url: string;
  /** SIGKILL to the whole group: no shutdown hook, no flush, as a power cut or OOM kill. */
  kill(): Promise<void>;
  stop(): Promise<number | null>;
}

export function spawnServer(args: readonly string[], env: Record<string, string>, timeoutMs = 60_000): Promise<Child> {
  const child = spawn(process.execPath, ['bin/latchkey.js', 'serve', '--port', '0', ...args], {
    cwd: ROOT,
    env: minimalEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  const signal = (name: NodeJS.Signals) => {
    if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
    try {
      process.kill(-child.pid, name);
    } catch {
      // Already gone.
    }
  };
  const kill = async () => {
    signal('SIGKILL');
    await exited;
  };
  const stop = async () => {
    signal('SIGTERM');
    const timer = setTimeout(() => signal('SIGKILL'), 10_000);
    const code = await exited;
    clearTimeout(timer);
    return code;
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => void kill().then(() => reject(new Error(`not serving within ${timeoutMs} ms\n${stdout}\n${stderr}`))), timeoutMs);
    const check = () => {
      const match = SERVING.exec(stdout);
      if (!match?.[1]) return;
      clearTimeout(timer);
      child.stdout.off('data', check);
      resolve({ url: match[1], kill, stop });
    };
    child.stdout.on('data', check);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code} before serving\n${stdout}\n${stderr}`));
    });
  });
}
