import { describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { ConfigError, loadConfig } from './config.ts';
import { generateSecret } from './core/secret.ts';

describe('loadConfig: bootstrap secrets', () => {
  const generated = generateSecret((n) => randomBytes(n));

  it.each([
    ['a generated lk_ secret', generated],
    ['30 hex characters (DatoCMS style)', 'a3f9b16116d229f6a3f9b16116d229'],
    ['URL-safe punctuation', 'ci-admin_token.v1~0123456789'],
  ])('accepts %s', (_name, secret) => {
    const config = loadConfig({}, { LATCHKEY_BOOTSTRAP_ADMIN_TOKEN: secret, LATCHKEY_BOOTSTRAP_READONLY_TOKEN: secret });
    expect(config.bootstrapAdminToken).toBe(secret);
    expect(config.bootstrapReadonlyToken).toBe(secret);
  });

  // Each of these would create a factory token whose secret every request rejects as malformed.
  it.each([
    ['too short', 'changeme'],
    ['a space', 'correct horse battery staple'],
    ['base64 padding', 'c2VjcmV0LXNlY3JldC1zZWNyZXQ='],
    ['an lk_ prefix with a bad checksum', `${generated.slice(0, -1)}${generated.endsWith('0') ? '1' : '0'}`],
  ])('refuses %s, naming the variable but not echoing the secret', (_name, secret) => {
    expect(() => loadConfig({}, { LATCHKEY_BOOTSTRAP_ADMIN_TOKEN: secret })).toThrow(ConfigError);
    let message = '';
    try {
      loadConfig({}, { LATCHKEY_BOOTSTRAP_READONLY_TOKEN: secret });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('LATCHKEY_BOOTSTRAP_READONLY_TOKEN');
    expect(message).not.toContain(secret);
  });
});

describe('default rate limits per surface', () => {
  it('default to 60 requests per 3 s on the CMA and 40 per second on the CDA', () => {
    const config = loadConfig({}, {});
    expect(config.cmaRateLimit).toEqual({ limit: 60, period_seconds: 3 });
    expect(config.cdaRateLimit).toEqual({ limit: 40, period_seconds: 1 });
  });

  it('read REQUESTS/SECONDS from the environment', () => {
    const config = loadConfig({}, { LATCHKEY_CMA_RATE_LIMIT: '600/30', LATCHKEY_CDA_RATE_LIMIT: '1000000/1' });
    expect(config.cmaRateLimit).toEqual({ limit: 600, period_seconds: 30 });
    expect(config.cdaRateLimit).toEqual({ limit: 1_000_000, period_seconds: 1 });
  });

  it.each(['60', '60/0', '0/3', '60/3s', '1000001/1', '1/86401', '-1/3', ''.padEnd(3, ' ')])('refuses %j, naming the variable', (value) => {
    expect(() => loadConfig({}, { LATCHKEY_CDA_RATE_LIMIT: value })).toThrow(/LATCHKEY_CDA_RATE_LIMIT: must/);
  });
});
