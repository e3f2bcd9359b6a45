/**
 * Builds the console into `console/dist`, which the server serves under `/admin`. Everything is
 * bundled: no CDN, no web fonts, nothing fetched at run time but Latchkey's own API.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root,
  base: '/admin/',
  logLevel: 'warn',
  // Preact's automatic JSX runtime, without a framework plugin.
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // The preload polyfill would be injected as code the CSP need not allow; modern browsers need none.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    target: 'es2022',
  },
});
