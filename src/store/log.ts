/**
 * @module
 * A small log port for the background machinery (change listener, rate-limit sync) that runs
 * before and apart from the HTTP server's logger. Lines are JSON, shaped like the server's own
 * (pino: numeric `level`, `time`, `msg`), so one log pipeline reads both.
 */
export type LogLevel = 'info' | 'warn' | 'error';
export type Log = (level: LogLevel, message: string, fields?: Readonly<Record<string, unknown>>) => void;

const NUMERIC: Record<LogLevel, number> = { info: 30, warn: 40, error: 50 };
const THRESHOLD: Record<string, number> = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60, silent: Infinity };

export function jsonLog(minLevel: string, write: (line: string) => void = (line) => process.stdout.write(line)): Log {
  const threshold = THRESHOLD[minLevel] ?? NUMERIC.info;
  return (level, message, fields = {}) => {
    if (NUMERIC[level] < threshold) return;
    write(`${JSON.stringify({ level: NUMERIC[level], time: Date.now(), ...fields, msg: message })}\n`);
  };
}

export const silentLog: Log = () => {};

/** A failure's message only: connection errors can carry the URL, which may hold a password. */
export function errorMessage(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.replace(/\/\/[^@\s/]*@/g, '//***@');
}
