/**
 * The console's end-to-end support: a Latchkey on 127.0.0.1 with a real clock (the browser lives
 * in real time, and rate-limit windows must move), the console built if it is not, and Debian's
 * Chromium driven through playwright-core (no browser download).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { FakeClock } from '../support/harness.ts';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const CONSOLE_DIST = fileURLToPath(new URL('../../console/dist/', import.meta.url));

/** The harness's clock, reading the wall clock: the browser's `Date.now()` and the server's agree. */
export class RealClock extends FakeClock {
  override now = (): number => Date.now();
}

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/**
 * `npm install` builds the console; a checkout that skipped it, or whose console sources changed
 * since, gets it built here, so the browser never tests a stale build.
 */
export function ensureConsoleBuilt(): void {
  const index = `${CONSOLE_DIST}index.html`;
  if (existsSync(index) && statSync(index).mtimeMs >= newestSource(`${ROOT}console/src`)) return;
  execFileSync(process.execPath, [`${ROOT}console/build.mjs`], {
    cwd: ROOT,
    stdio: 'ignore',
    timeout: 120_000,
  });
}

const CANDIDATES = ['/usr/lib/chromium/chromium', '/usr/bin/chromium'];

export function chromiumPath(): string {
  const found = CANDIDATES.find((path) => existsSync(path));
  if (!found) throw new Error('Chromium is missing: apt-get install -y --no-install-recommends chromium (.ci/run does this)');
  return found;
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath(),
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    timeout: 30_000,
  });
}

/** Closing a browser must not hang a suite: bounded, and a failure to close is not the test's result. */
export async function closeBrowser(browser: Browser | undefined): Promise<void> {
  if (!browser) return;
  await Promise.race([browser.close(), new Promise((resolve) => setTimeout(resolve, 10_000))]);
}
