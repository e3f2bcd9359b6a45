/** Layer 5a: the IP allowlist, with the client address from the socket or, behind a trusted proxy, X-Forwarded-For. */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DIALECTS } from '../support/databases.ts';
import { startHarness, type Harness } from '../support/harness.ts';
import { createToken, errorOf, tokenDocument } from '../support/tokens.ts';

function from(h: Harness, secret: string, remoteAddress: string, forwardedFor?: string) {
  return h.app.inject({
    method: 'GET',
    url: '/site',
    remoteAddress,
    headers: { authorization: `Bearer ${secret}`, ...(forwardedFor ? { 'x-forwarded-for': forwardedFor } : {}) },
  });
}

for (const dialect of DIALECTS) {
  describe(`${dialect}: IP allowlists (no trusted proxy)`, () => {
    let h: Harness;
    beforeAll(async () => {
      h = await startHarness({ dialect });
    });
    afterAll(() => h.close());
    beforeEach(() => h.clock.advance(3_000));

    it.each([
      ['a bare IPv4 address', ['203.0.113.7'], '203.0.113.7', '203.0.113.8'],
      ['an IPv4 CIDR', ['10.20.0.0/16'], '10.20.255.1', '10.21.0.1'],
      ['an IPv4 CIDR, client on a dual-stack socket', ['10.20.0.0/16'], '::ffff:10.20.3.4', '::ffff:10.21.0.1'],
      ['a bare IPv6 address', ['2001:db8::1'], '2001:db8::1', '2001:db8::2'],
      ['an IPv6 CIDR', ['2001:db8:abcd::/48'], '2001:db8:abcd:12::5', '2001:db8:abce::1'],
      ['a mixed list', ['192.0.2.0/24', '2001:db8::/32'], '2001:db8:ffff::1', '198.51.100.1'],
    ])('admits %s and refuses others with 403 `network`', async (_label, allowlist, inside, outside) => {
      const t = await createToken(h, { attributes: { ip_allowlist: allowlist } });
      expect((await from(h, t.secret, inside)).statusCode).toBe(200);
      const denied = await from(h, t.secret, outside);
      expect(denied.statusCode).toBe(403);
      expect(errorOf(denied)).toEqual({ code: 'INSUFFICIENT_PERMISSIONS', details: { layer: 'network', reason: 'ip_not_allowed', ip: outside } });
    });

    it('admits every address when the list is null, and none when it is empty', async () => {
      const open = await createToken(h, { attributes: { ip_allowlist: null } });
      const closed = await createToken(h, { attributes: { ip_allowlist: [] } });
      expect((await from(h, open.secret, '198.51.100.1')).statusCode).toBe(200);
      expect((await from(h, closed.secret, '127.0.0.1')).statusCode).toBe(403);
    });

    it('ignores X-Forwarded-For: a client cannot claim an allowed address', async () => {
      const t = await createToken(h, { attributes: { ip_allowlist: ['203.0.113.0/24'] } });
      const res = await from(h, t.secret, '198.51.100.1', '203.0.113.5');
      expect(res.statusCode).toBe(403);
      expect(errorOf(res).details.ip).toBe('198.51.100.1');
    });

    it('rejects entries that are not an address or CIDR with INVALID_FIELD, naming them', async () => {
      const res = await h.request('POST', '/access_tokens', {
        token: h.adminSecret,
        body: tokenDocument({ attributes: { ip_allowlist: ['10.0.0.0/8', '10.0.0.0/33', 'example.com', '::ffff:0:0/80'] } }),
      });
      expect(res.statusCode).toBe(422);
      expect(errorOf(res)).toMatchObject({
        code: 'INVALID_FIELD',
        details: { field: 'ip_allowlist', invalid: ['10.0.0.0/33', 'example.com', '::ffff:0:0/80'] },
      });
    });
  });

  describe(`${dialect}: IP allowlists behind a trusted proxy`, () => {
    let h: Harness;
    beforeAll(async () => {
      h = await startHarness({ dialect, config: { trustProxy: '10.0.0.1,fd00::1' } });
    });
    afterAll(() => h.close());

    it('takes the client address from X-Forwarded-For when the socket is a trusted proxy', async () => {
      const t = await createToken(h, { attributes: { ip_allowlist: ['203.0.113.0/24', '2001:db8::/32'] } });
      expect((await from(h, t.secret, '10.0.0.1', '203.0.113.5')).statusCode).toBe(200);
      expect((await from(h, t.secret, 'fd00::1', '2001:db8::9')).statusCode).toBe(200);
      const outside = await from(h, t.secret, '10.0.0.1', '198.51.100.1');
      expect(outside.statusCode).toBe(403);
      expect(errorOf(outside).details.ip).toBe('198.51.100.1');
    });

    it('uses the right-most untrusted hop, so a forged left-most entry does not help', async () => {
      const t = await createToken(h, { attributes: { ip_allowlist: ['203.0.113.0/24'] } });
      const res = await from(h, t.secret, '10.0.0.1', '203.0.113.5, 198.51.100.1');
      expect(res.statusCode).toBe(403);
      expect(errorOf(res).details.ip).toBe('198.51.100.1');
    });

    it('ignores X-Forwarded-For from a socket that is not a trusted proxy', async () => {
      const t = await createToken(h, { attributes: { ip_allowlist: ['203.0.113.0/24'] } });
      const res = await from(h, t.secret, '10.0.0.2', '203.0.113.5');
      expect(res.statusCode).toBe(403);
      expect(errorOf(res).details.ip).toBe('10.0.0.2');
    });
  });
}
