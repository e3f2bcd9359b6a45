/**
 * Secrets never reach the logs: the app logs at trace level into a buffer while tokens are created,
 * rotated, refused and misused in every way a client might, and no secret may appear in it. The
 * second suite puts every accepted secret format in every place a client can write (path segment,
 * query value and key, headers, body) on known routes, unknown routes and 404s.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/http/app.ts';
import { SERVER_MODULES } from '../../src/cli/serve.ts';
import { DIALECTS } from '../support/databases.ts';
import { startHarness, type Harness } from '../support/harness.ts';
import { adminRoleId } from './fixtures.ts';

/** The random part of a secret: finding it anywhere, even without its prefix, is a leak. */
const bodyOf = (secret: string) => (secret.startsWith('lk_') ? secret.slice(3, 33) : secret);

for (const dialect of DIALECTS) {
  describe(`${dialect}: logs`, () => {
    let h: Harness;
    let app: FastifyInstance;
    const lines: string[] = [];
    const secrets = new Set<string>();

    beforeAll(async () => {
      h = await startHarness({ dialect });
      app = await buildApp(h.runtime.deps, {
        logger: { level: 'trace', stream: { write: (line: string) => void lines.push(line) } },
        extraRoutes: SERVER_MODULES,
      });
    });
    afterAll(async () => {
      await app.close();
      await h.close();
    });

    let calls = 0;
    const call = async (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, authorization: string | undefined, body?: unknown) => {
      h.clock.advance(3_000);
      calls++;
      return app.inject({
        method,
        url,
        headers: {
          ...(authorization !== undefined ? { authorization } : {}),
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        },
        ...(body !== undefined ? { payload: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
      });
    };

    it('holds no secret after creates, rotations, failed and odd authentications', async () => {
      secrets.add(h.adminSecret);
      secrets.add(h.readonlySecret);
      const admin = `Bearer ${h.adminSecret}`;
      const roleId = await adminRoleId(h);
      const tokenBody = (name: string) => ({
        data: {
          type: 'access_token',
          attributes: { name, can_access_cda: true, can_access_cda_preview: false, can_access_cma: true },
          relationships: { role: { data: { type: 'role', id: roleId } } },
        },
      });

      const created = await call('POST', '/access_tokens', admin, tokenBody('Logged'));
      expect(created.statusCode).toBe(201);
      const { id, attributes } = (created.json() as { data: { id: string; attributes: { token: string } } }).data;
      secrets.add(attributes.token);

      const rotated = await call('POST', `/access_tokens/${id}/regenerate_token`, admin);
      const fresh = (rotated.json() as { data: { attributes: { token: string } } }).data.attributes.token;
      secrets.add(fresh);
      const graced = await call('POST', `/access_tokens/${id}/regenerate_token?grace_period=60`, admin);
      const newest = (graced.json() as { data: { attributes: { token: string } } }).data.attributes.token;
      secrets.add(newest);

      expect((await call('GET', '/access_tokens', `Bearer ${attributes.token}`)).statusCode).toBe(401);
      expect((await call('GET', '/users/me', `Bearer ${fresh}`)).statusCode).toBe(200);
      expect((await call('GET', '/access_tokens', `Bearer ${h.readonlySecret}`)).statusCode).toBe(401);
      expect((await call('GET', '/access_tokens', `Basic ${Buffer.from(`user:${newest}`).toString('base64')}`)).statusCode).toBe(401);
      expect((await call('GET', '/access_tokens', `Token ${newest}`)).statusCode).toBe(401);
      expect((await call('GET', '/access_tokens', `Bearer ${newest}x`)).statusCode).toBe(401);
      expect((await call('GET', '/access_tokens', `Bearer ${newest.slice(0, -1)}`)).statusCode).toBe(401);
      expect((await call('GET', '/access_tokens', newest)).statusCode).toBe(401);
      // A secret put where it does not belong: the query string and the body.
      expect((await call('GET', `/access_tokens?access_token=${newest}`, undefined)).statusCode).toBe(401);
      expect((await call('GET', `/access_tokens?access_token=${newest}`, admin)).statusCode).toBe(400);
      expect((await call('POST', `/access_tokens/${id}/regenerate_token?token=${newest}`, admin)).statusCode).toBe(400);
      expect((await call('GET', `/access_tokens/${newest}`, admin)).statusCode).toBe(404);
      expect((await call('GET', `/nowhere/${newest}`, admin)).statusCode).toBe(404);
      const withSecret = tokenBody('Smuggled') as { data: { attributes: Record<string, unknown> } };
      withSecret.data.attributes.token = newest;
      expect((await call('POST', '/access_tokens', admin, withSecret)).statusCode).toBe(422);
      expect((await call('POST', '/access_tokens', admin, `{"data": "${newest}`)).statusCode).toBe(400);

      expect((await call('PUT', `/access_tokens/${id}`, admin, { data: { type: 'access_token', attributes: { enabled: false } } })).statusCode).toBe(200);
      expect((await call('GET', '/users/me', `Bearer ${newest}`)).statusCode).toBe(401);
      const deleted = await call('DELETE', `/access_tokens/${id}`, admin);
      expect(deleted.statusCode).toBe(200);
      expect((await call('GET', '/users/me', `Bearer ${newest}`)).statusCode).toBe(401);

      const log = lines.join('');
      // The logger did capture the traffic (a line for each request and its response): an empty log would prove nothing.
      expect(lines.length).toBeGreaterThanOrEqual(2 * calls);
      // Route patterns and plain ids, never the raw URL.
      expect(log).toContain('"route":"/access_tokens/:id/regenerate_token"');
      expect(log).toContain(`"params":{"id":"${id}"}`);
      expect(log).toContain('"params":{"id":"[redacted]"}');
      for (const secret of secrets) {
        expect(log.includes(secret), `secret ${secret.slice(0, 6)}… in the log`).toBe(false);
        expect(log.includes(bodyOf(secret)), `secret body ${secret.slice(0, 6)}… in the log`).toBe(false);
        expect(log.includes(encodeURIComponent(secret))).toBe(false);
      }
    });
  });
}

/** Every shape of secret the server accepts: its own, and bootstrap values of 20–200 URL-safe characters. */
const BOOTSTRAP_ADMIN = 'Ops.admin-token_2026~seeded';
const BOOTSTRAP_READONLY = '12345678901234567890';
const FORMATS = [BOOTSTRAP_ADMIN, BOOTSTRAP_READONLY, `${'A1b2.C3d4_E5f6~G7h8-'.repeat(10)}`, 'lk_0000000000000000000000000000000000000'];

/** Places on known routes, unknown routes and 404s where a client may put a secret. */
const PATHS = (secret: string) => [
  `/access_tokens/${secret}`,
  `/access_tokens/${secret}/regenerate_token`,
  `/items/${secret}/publish`,
  `/roles/${encodeURIComponent(secret)}`,
  `/api/v1/admin/access-tokens/${secret}`,
  `/graphql/${secret}`,
  `/nowhere/${secret}`,
  `/${secret}`,
  `/items/%E0%A4%A${secret}`,
];
const QUERIES = (secret: string) => [`/site?access_token=${secret}`, `/site?${secret}=1`, `/graphql?query=${secret}`, `/nowhere?token=${secret}`];
const HEADERS = (secret: string): Record<string, string>[] => [
  { authorization: `Bearer ${secret}` },
  { authorization: secret },
  { authorization: `Basic ${Buffer.from(`user:${secret}`).toString('base64')}` },
  { 'x-api-key': secret, cookie: `session=${secret}`, 'user-agent': secret, referer: `https://example.com/?k=${secret}` },
  { host: secret, 'x-forwarded-for': secret, 'x-include-drafts': secret, 'x-api-version': secret },
];

for (const dialect of DIALECTS) {
  describe(`${dialect}: logs hold no secret of any accepted format, wherever it is sent`, () => {
    let h: Harness;
    let apps: FastifyInstance[];
    const lines: string[] = [];
    const logger = { level: 'trace', stream: { write: (line: string) => void lines.push(line) } };

    beforeAll(async () => {
      h = await startHarness({ dialect, config: { bootstrapAdminToken: BOOTSTRAP_ADMIN, bootstrapReadonlyToken: BOOTSTRAP_READONLY } });
      // Behind a trusted proxy the client address comes from X-Forwarded-For, a header like any other.
      apps = [
        await buildApp(h.runtime.deps, { logger, extraRoutes: SERVER_MODULES }),
        await buildApp({ ...h.runtime.deps, trustProxy: 'true' }, { logger, extraRoutes: SERVER_MODULES }),
      ];
    });
    afterAll(async () => {
      for (const app of apps) await app.close();
      await h.close();
    });

    it('sends each format in every position and finds none of them in the log', async () => {
      const admin = { authorization: `Bearer ${BOOTSTRAP_ADMIN}` };
      let requests = 0;
      const send = async (method: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'OPTIONS', url: string, headers: Record<string, string>, payload?: string) => {
        for (const app of apps) {
          h.clock.advance(3_000);
          requests++;
          const res = await app.inject({
            method,
            url,
            headers: { ...headers, ...(payload !== undefined ? { 'content-type': 'application/json' } : {}) },
            ...(payload !== undefined ? { payload } : {}),
          });
          expect(res.statusCode, `${method} ${url}`).toBeLessThan(500);
        }
      };
      // The bootstrap secrets do work: they are real credentials, not just strings.
      expect((await h.request('GET', '/users/me', { token: BOOTSTRAP_ADMIN })).statusCode).toBe(200);

      for (const secret of FORMATS) {
        for (const path of PATHS(secret)) {
          for (const method of ['GET', 'POST', 'PUT', 'DELETE', 'OPTIONS'] as const) await send(method, path, admin);
        }
        for (const url of QUERIES(secret)) {
          await send('GET', url, admin);
          await send('GET', url, {});
        }
        for (const headers of HEADERS(secret)) {
          await send('GET', '/site', headers);
          await send('POST', '/graphql', headers, JSON.stringify({ query: '{ _site { name } }' }));
          await send('GET', `/nowhere`, headers);
        }
        await send('OPTIONS', `/access_tokens/${secret}`, {
          origin: 'https://example.com',
          'access-control-request-method': 'GET',
          'access-control-request-headers': secret,
        });
        const token = {
          data: {
            type: 'access_token',
            attributes: { name: secret, token: secret, can_access_cda: true, can_access_cda_preview: false, can_access_cma: false },
          },
        };
        await send('POST', '/access_tokens', admin, JSON.stringify(token));
        await send('POST', '/access_tokens', admin, `{"data": "${secret}`);
        await send('POST', `/api/v1/admin/access-tokens?key=${secret}`, admin, JSON.stringify({ name: secret, permissions: [secret] }));
        await send('POST', '/graphql', admin, JSON.stringify({ query: `{ ${secret} }`, variables: { secret } }));
        await send('POST', `/nowhere/${secret}`, admin, JSON.stringify({ secret }));
      }

      // Errors are logged too: one that quotes the URL it refused and carries the raw request bytes
      // (as Node's client errors do) must come out masked and without those bytes.
      for (const secret of FORMATS) {
        const error = Object.assign(new Error(`'/access_tokens/${secret}' is not a valid url component; "${secret}" rejected; Bearer ${secret}`), {
          rawPacket: Buffer.from(`GET / HTTP/1.1\r\nAuthorization: Bearer ${secret}\r\n\r\n`),
        });
        apps[0]!.log.error({ err: error }, 'unhandled error');
      }

      const log = lines.join('');
      // The log did capture the traffic (Fastify answers an over-long path parameter before logging, so not every request has its two lines).
      expect(lines.length).toBeGreaterThanOrEqual(requests);
      expect(log).toContain('"route":"/access_tokens/:id"');
      expect(log).toContain('"route":null');
      expect(log).toContain('is not a valid url component');
      for (const secret of FORMATS) {
        for (const form of [secret, encodeURIComponent(secret), Buffer.from(`user:${secret}`).toString('base64'), bodyOf(secret)]) {
          expect(log.includes(form), `${secret.slice(0, 8)}… (as ${form.slice(0, 12)}…) in the log`).toBe(false);
        }
      }
    });
  });
}
