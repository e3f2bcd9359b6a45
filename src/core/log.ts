/**
 * @module
 * A small log port for the background machinery (database pool, change listener, rate-limit sync)
 * that runs before and apart from the HTTP server's logger. The JSON writer behind it lives in
 * `runtime/log.ts`.
 */
export type LogLevel = 'info' | 'warn' | 'error';
export type Log = (level: LogLevel, message: string, fields?: Readonly<Record<string, unknown>>) => void;

export const silentLog: Log = () => {};

/** A failure's message only: connection errors can carry the URL, which may hold a password. */
export function errorMessage(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.replace(/\/\/[^@\s/]*@/g, '//***@');
}
