/**
 * Secrets never reach the logs: the app logs at trace level into a buffer while tokens are created,
 * rotated, refused and misused in every way a client might, and no secret may appear in it.
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
        data: { type: 'access_token', attributes: { name, can_access_cda: true, can_access_cda_preview: false, can_access_cma: true }, relationships: { role: { data: { type: 'role', id: roleId } } } },
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
      expect(log).toContain('/regenerate_token');
      expect(log).toContain('/access_tokens?[redacted]');
      expect(log).toContain('/access_tokens/lk_[redacted]');
      for (const secret of secrets) {
        expect(log.includes(secret), `secret ${secret.slice(0, 6)}… in the log`).toBe(false);
        expect(log.includes(bodyOf(secret)), `secret body ${secret.slice(0, 6)}… in the log`).toBe(false);
        expect(log.includes(encodeURIComponent(secret))).toBe(false);
      }
    });
  });
}
