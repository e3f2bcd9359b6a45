/**
 * Once per test run, before any test file:
 * - compiles `src/` into `dist/` when a source changed since the last build, so the suites that
 *   start `bin/latchkey.js` run the same compiled code an operator runs (see scripts/build.mjs);
 *   a run with nothing changed costs one directory walk;
 * - opens the file where suites that cannot run here leave their notice (`skips.ts`), which the
 *   run's last lines sum up (`skip-summary.ts`).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SKIP_LOG_ENV } from './skips.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile() && entry.name.endsWith('.ts')) newest = Math.max(newest, statSync(join(entry.parentPath, entry.name)).mtimeMs);
  }
  return newest;
}

export default function setup(): () => void {
  buildOnce();
  const dir = mkdtempSync(join(tmpdir(), 'latchkey-skips-'));
  process.env[SKIP_LOG_ENV] = join(dir, 'notices.jsonl');
  writeFileSync(process.env[SKIP_LOG_ENV], '');
  return () => rmSync(dir, { recursive: true, force: true });
}

function buildOnce(): void {
  const stamp = join(ROOT, 'dist/.tsbuildinfo');
  const inputs = Math.max(newestSource(join(ROOT, 'src')), statSync(join(ROOT, 'tsconfig.build.json')).mtimeMs, statSync(join(ROOT, 'tsconfig.json')).mtimeMs);
  if (existsSync(stamp) && statSync(stamp).mtimeMs >= inputs) return;
  const build = spawnSync(process.execPath, [join(ROOT, 'scripts/build.mjs')], { cwd: ROOT, encoding: 'utf8' });
  if (build.status !== 0) throw new Error(`npm run build failed; the CLI suites need dist/:\n${build.stdout}${build.stderr}`);
}
