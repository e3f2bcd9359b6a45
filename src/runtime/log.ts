/**
 * @module
 * The log the background machinery writes (see `core/log.ts` for the port). Lines are JSON, shaped
 * like the server's own (pino: numeric `level`, `time`, `msg`), so one log pipeline reads both.
 */
import type { Log, LogLevel } from '../core/log.ts';

const NUMERIC: Record<LogLevel, number> = { info: 30, warn: 40, error: 50 };
const THRESHOLD: Record<string, number> = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60, silent: Infinity };

export function jsonLog(minLevel: string, write: (line: string) => void = (line) => process.stdout.write(line)): Log {
  const threshold = THRESHOLD[minLevel] ?? NUMERIC.info;
  return (level, message, fields = {}) => {
    if (NUMERIC[level] < threshold) return;
    write(`${JSON.stringify({ level: NUMERIC[level], time: Date.now(), ...fields, msg: message })}\n`);
  };
}
