// Compiles src/ into dist/ (`npm run build`; `npm install` runs it through the `prepare` script).
// Incremental: a build with nothing changed only checks. dist/ starts afresh whenever its modules
// and the sources differ (a file added, removed or renamed, or dist/ partly deleted), so no stale
// module outlives its source and none is missing.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync, utimesSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = join(root, 'dist');

let tsc;
try {
  tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
} catch {
  if (existsSync(join(dist, 'cli/main.js'))) {
    process.stdout.write('latchkey: TypeScript is not installed; keeping the existing dist/.\n');
    process.exit(0);
  }
  process.stderr.write(
    'latchkey: cannot build dist/: TypeScript is a dev dependency (run `npm install` without --omit=dev, or build elsewhere and copy dist/).\n',
  );
  process.exit(1);
}

const files = (dir, ext) =>
  existsSync(dir)
    ? readdirSync(dir, { recursive: true, withFileTypes: true })
        .filter((e) => e.isFile() && e.name.endsWith(ext))
        .map((e) => relative(dir, join(e.parentPath, e.name)).slice(0, -ext.length))
    : [];
const sources = files(join(root, 'src'), '.ts').filter((module) => !module.endsWith('.test'));
const built = new Set(files(dist, '.js'));
if (built.size !== sources.length || sources.some((module) => !built.has(module))) rmSync(dist, { recursive: true, force: true });

const result = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
// tsc leaves its build info alone when no output changed; its time stamp tells the test set-up
// that dist/ is as new as the sources (test/support/global-setup.ts).
if (result.status === 0) utimesSync(join(dist, '.tsbuildinfo'), new Date(), new Date());
process.exit(result.status ?? 1);
