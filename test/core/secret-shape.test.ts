import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { crc32 } from 'node:zlib';
import { generateSecret, secretShape } from '../../src/core/secret.ts';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const base62Char = fc.constantFrom(...BASE62.split(''));

/** The format written out the slow, obvious way: what `secretShape` must agree with. */
function referenceShape(secret: string): 'latchkey' | 'foreign' | 'malformed' {
  if (secret.startsWith('lk_')) {
    if (!/^lk_[0-9A-Za-z]{36}$/.test(secret)) return 'malformed';
    let sum = '';
    let rest = crc32(secret.slice(3, 33));
    for (let i = 0; i < 6; i++) {
      sum = BASE62[rest % 62] + sum;
      rest = Math.floor(rest / 62);
    }
    return sum === secret.slice(33) ? 'latchkey' : 'malformed';
  }
  return /^[A-Za-z0-9._~-]{20,200}$/.test(secret) ? 'foreign' : 'malformed';
}

describe('secretShape', () => {
  it('accepts every generated secret and rejects it with any one checksum character changed', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 60, maxLength: 60 }), fc.integer({ min: 33, max: 38 }), base62Char, (bytes, at, replacement) => {
        const secret = generateSecret(() => bytes);
        expect(secretShape(secret)).toBe('latchkey');
        const changed = secret.slice(0, at) + replacement + secret.slice(at + 1);
        expect(secretShape(changed)).toBe(changed === secret ? 'latchkey' : 'malformed');
      }),
    );
  });

  it('agrees with the reference on arbitrary lk_ strings, including non-base62 characters and wrong lengths', () => {
    const body = fc.string({ unit: fc.oneof(base62Char, fc.constantFrom('-', '_', '.', '~', ' ', 'é', '\u0000')), minLength: 30, maxLength: 40 });
    fc.assert(
      fc.property(body, (rest) => {
        expect(secretShape(`lk_${rest}`)).toBe(referenceShape(`lk_${rest}`));
      }),
    );
  });

  it('agrees with the reference on near-miss checksums (digits just outside the base62 ranges)', () => {
    const secret = generateSecret(() => new Uint8Array(60).fill(7));
    for (const c of ['/', ':', '@', '[', '`', '{']) {
      const changed = `${secret.slice(0, 38)}${c}`;
      expect(secretShape(changed)).toBe('malformed');
      expect(referenceShape(changed)).toBe('malformed');
    }
  });
});
