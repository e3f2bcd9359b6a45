/**
 * Suites that cannot run here (no PostgreSQL URL, no redis-server binary…) say so through
 * {@link skipNotice}; the run's reporter (`skip-summary.ts`) prints each reason once at the end,
 * with how many tests that left out, instead of every test file repeating it.
 */
import { appendFileSync } from 'node:fs';

/** Where the notices of one run are collected; set by the global set-up, inherited by the test workers. */
export const SKIP_LOG_ENV = 'LATCHKEY_TEST_SKIP_LOG';

/** Records that `suite` does not run, and why (printed once per run, however many files say it). */
export function skipNotice(suite: string, reason: string): void {
  const log = process.env[SKIP_LOG_ENV];
  if (log) appendFileSync(log, `${JSON.stringify({ suite, reason })}\n`);
  else process.stderr.write(`${suite} skipped: ${reason}\n`);
}
