/**
 * How the server serves the console: its files and client-side routes under `/admin`, the
 * security headers on every answer, 404s in the error envelope for missing files, and a clear
 * answer (not a crash) when the console has not been built.
 */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/http/app.ts';
import { startHarness, type Harness } from '../support/harness.ts';

let h: Harness;
let dir: string;

beforeAll(async () => {
  h = await startHarness();
  dir = mkdtempSync(join(tmpdir(), 'latchkey-console-'));
  mkdirSync(join(dir, 'assets'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><script type="module" src="/admin/assets/app-1234.js"></script>');
  writeFileSync(join(dir, 'assets', 'app-1234.js'), 'export {};');
  writeFileSync(join(dir, 'assets', 'app-1234.css'), 'body{}');
});

afterAll(async () => {
  await h?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const get = async (consoleDir: string, url: string, headers: Record<string, string> = {}) => {
  const app = await buildApp(h.runtime.deps, { consoleDir });
  try {
    return await app.inject({ method: 'GET', url, headers });
  } finally {
    await app.close();
  }
};

describe('the console files', () => {
  it('serves the page at /admin and for client-side routes, with the security headers', async () => {
    for (const url of ['/admin', '/admin/', '/admin/tokens', '/admin/tokens/3']) {
      const res = await get(dir, url, { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' });
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(res.body).toContain('/admin/assets/app-1234.js');
      const csp = String(res.headers['content-security-policy']);
      expect(csp).toContain("default-src 'self'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).not.toContain('unsafe-inline');
      expect(csp).toContain("frame-ancestors 'none'");
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['referrer-policy']).toBe('no-referrer');
      expect(res.headers['cache-control']).toBe('no-cache');
    }
  });

  it('serves the page and its assets to clients that accept only HTML, scripts or styles', async () => {
    expect((await get(dir, '/admin', { accept: 'text/html' })).statusCode).toBe(200);
    expect((await get(dir, '/admin/assets/app-1234.css', { accept: 'text/css' })).statusCode).toBe(200);
    // The API keeps answering JSON only.
    expect((await get(dir, '/site', { accept: 'text/html' })).statusCode).toBe(406);
  });

  it('serves hashed assets with their type and a long cache', async () => {
    const js = await get(dir, '/admin/assets/app-1234.js');
    expect(js.statusCode).toBe(200);
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(js.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    const css = await get(dir, '/admin/assets/app-1234.css');
    expect(css.headers['content-type']).toBe('text/css; charset=utf-8');
  });

  it('answers a missing asset or a path outside the build with a 404 envelope, never the page', async () => {
    for (const url of ['/admin/assets/nope.js', '/admin/../package.json', '/admin/%2e%2e/package.json', '/admin/favicon.ico']) {
      const res = await get(dir, url);
      expect(res.statusCode, url).toBe(404);
      expect(res.json().data[0].attributes.code).toBe('NOT_FOUND');
    }
  });

  it('explains how to build the console when it is not built, and keeps serving the API', async () => {
    const missing = join(dir, 'not-built');
    const res = await get(missing, '/admin');
    expect(res.statusCode).toBe(404);
    expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    const attributes = res.json().data[0].attributes;
    expect(attributes.code).toBe('NOT_FOUND');
    expect(attributes.details.message).toMatch(/npm install/);
    const app = await buildApp(h.runtime.deps, { consoleDir: missing });
    try {
      const healthy = await app.inject({ method: 'GET', url: '/healthz' });
      expect(healthy.statusCode).toBe(200);
    } finally {
      await app.close();
    }
  });

  it('needs no token and reads none: a bearer header changes nothing', async () => {
    const res = await get(dir, '/admin/tokens', { authorization: 'Bearer nonsense' });
    expect(res.statusCode).toBe(200);
  });
});
