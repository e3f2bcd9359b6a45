/**
 * Latchkey instances as child processes (`latchkey serve`), as an operator runs them, plus a few
 * requests over real HTTP with every wait bounded.
 */
import { join } from 'node:path';
import { ROOT } from '../cli/process.ts';
import { startChild, waitFor, type Child } from './children.ts';

export interface Instance {
  readonly name: string;
  readonly url: string;
  readonly child: Child;
}

const SERVING = /serving on (http:\/\/127\.0\.0\.1:\d+)/;

/** Starts `latchkey serve` on a free port and waits (bounded) for its "serving on" line. */
export async function startInstance(name: string, env: Record<string, string>, timeoutMs = 60_000): Promise<Instance> {
  return launchInstance(name, env, timeoutMs).serving;
}

/**
 * Starts `latchkey serve` and hands back the child at once, so it can be stopped whatever happens,
 * with a promise of the instance once it serves (which stops the child if it never does).
 */
export function launchInstance(name: string, env: Record<string, string>, timeoutMs = 60_000): { child: Child; serving: Promise<Instance> } {
  const child = startChild(process.execPath, [join(ROOT, 'bin/latchkey.js'), 'serve', '--port', '0'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env },
  });
  const serving = (async () => {
    try {
      await waitFor(
        `instance ${name} serves`,
        () => {
          if (child.exit()) throw new Error(`instance ${name} exited before serving: ${JSON.stringify(child.exit())}\n${child.output()}`);
          return SERVING.test(child.output());
        },
        timeoutMs,
        50,
      );
    } catch (error) {
      await child.stop();
      throw error;
    }
    return { name, url: SERVING.exec(child.output())![1]!, child };
  })();
  return { child, serving };
}

export interface Answer {
  readonly status: number;
  readonly headers: Headers;
  readonly body: unknown;
}

/** One request; a dropped connection or a hang past `timeoutMs` rejects. */
export async function call(url: string, method: string, path: string, options: { token?: string; body?: unknown; timeoutMs?: number } = {}): Promise<Answer> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${url}${path}`, {
    method,
    headers,
    ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
    signal: AbortSignal.timeout(options.timeoutMs ?? 15_000),
  });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // Kept as text: the assertion that follows shows it.
  }
  return { status: res.status, headers: res.headers, body };
}

/** The code of an error envelope, or undefined. */
export function errorCode(body: unknown): string | undefined {
  const data = (body as { data?: { attributes?: { code?: string } }[] } | null)?.data;
  return Array.isArray(data) ? data[0]?.attributes?.code : undefined;
}

export async function ready(instance: Instance): Promise<boolean> {
  try {
    return (await call(instance.url, 'GET', '/readyz', { timeoutMs: 5_000 })).status === 200;
  } catch {
    return false;
  }
}
