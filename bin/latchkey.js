#!/usr/bin/env node
// Runs the compiled command line in dist/ (built from src/ by `npm install`, or `npm run build`).
import { existsSync } from 'node:fs';

const main = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(main)) {
  process.stderr.write('latchkey: not built yet (dist/ is missing); run `npm run build` (`npm install` does it).\n');
  process.exit(1);
}
await import(main.href);
