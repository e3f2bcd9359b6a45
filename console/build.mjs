// Builds the console into console/dist; `npm install` runs it (the `prepare` script).
// An install without devDependencies (`--omit=dev`) has no Vite: the server then still starts and
// `/admin` says how to build the console, so that case is reported here and does not fail the install.
import { fileURLToPath } from 'node:url';

let vite;
try {
  vite = await import('vite');
} catch (error) {
  if (error?.code !== 'ERR_MODULE_NOT_FOUND') throw error;
  process.stdout.write('latchkey: the web console was not built (Vite is not installed; a plain `npm install` builds it).\n');
  process.exit(0);
}
await vite.build({ configFile: fileURLToPath(new URL('./vite.config.ts', import.meta.url)) });
