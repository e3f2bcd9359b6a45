/**
 * @module
 * The web console under `/admin`: the files `npm install` built into `console/dist`, and
 * `index.html` for every other `/admin/*` path (the console routes in the browser). The console
 * is a client of the public API like any other, so these routes serve files only: public, no
 * token read, nothing decided here.
 *
 * Every answer carries a strict Content-Security-Policy (only this origin's scripts, styles and
 * API; no inline script; never framed), so that an injected string cannot run as code where a
 * token manager's secret sits in memory.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { ApiProblem } from '../core/errors.ts';

export const CONSOLE_PATH = '/admin';

/** Where `npm install` builds the console (`vite build --config console/vite.config.ts`). */
export const DEFAULT_CONSOLE_DIR = fileURLToPath(new URL('../../console/dist/', import.meta.url));

export const CONSOLE_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; '),
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'permissions-policy': 'camera=(), microphone=(), geolocation=(), clipboard-write=(self)',
};

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.woff2': 'font/woff2',
};

interface ConsoleFile {
  readonly body: Buffer;
  readonly type: string;
}

/** Reads the whole build into memory: a few small files, served without touching the disk again. */
function loadBuild(dir: string): Map<string, ConsoleFile> | null {
  try {
    if (!statSync(join(dir, 'index.html')).isFile()) return null;
  } catch {
    return null;
  }
  const files = new Map<string, ConsoleFile>();
  const walk = (folder: string) => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile()) {
        const type = TYPES[extname(entry.name).toLowerCase()];
        // Only known types are served, so nothing is ever sniffed into something else.
        if (type) files.set(relative(dir, path).split(sep).join('/'), { body: readFileSync(path), type });
      }
    }
  };
  walk(dir);
  return files;
}

const notBuilt = () =>
  new ApiProblem('NOT_FOUND', {
    message: 'The web console is not built. Run `npm install` (it builds the console) or `npm run build:console`, then reload.',
  });

export function registerConsoleRoutes(app: FastifyInstance, dir: string = DEFAULT_CONSOLE_DIR): void {
  // Loaded on first use and kept once found, so a build made after the start is picked up.
  let build: Map<string, ConsoleFile> | null = null;
  const files = () => (build ??= loadBuild(dir));

  const send = (reply: FastifyReply, path: string) => {
    reply.headers(CONSOLE_HEADERS);
    const all = files();
    if (!all) throw notBuilt();
    const asset = all.get(path);
    if (asset) {
      // Vite names assets by content hash: a changed file is a new URL, so they never go stale.
      reply.header('cache-control', path.startsWith('assets/') ? 'public, max-age=31536000, immutable' : 'no-cache');
      return reply.type(asset.type).send(asset.body);
    }
    // A missing asset is a 404, never the page: a script URL answered with HTML breaks quietly.
    if (path.startsWith('assets/') || extname(path) !== '') {
      throw new ApiProblem('NOT_FOUND', { message: `No console file ${CONSOLE_PATH}/${path}` });
    }
    const index = all.get('index.html');
    if (!index) throw notBuilt();
    reply.header('cache-control', 'no-cache');
    return reply.type(index.type).send(index.body);
  };

  app.get(CONSOLE_PATH, async (_request, reply) => send(reply, ''));
  app.get(`${CONSOLE_PATH}/*`, async (request, reply) => {
    const rest = (request.params as { '*'?: string })['*'] ?? '';
    return send(reply, rest);
  });
}
