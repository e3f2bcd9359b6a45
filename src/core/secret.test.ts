import { describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { SECRET_LENGTH, displayKey, generateSecret, hashSecret, secretShape, type RandomBytes, type SecretShape } from './secret.ts';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const FORMAT = /^lk_[0-9A-Za-z]{36}$/;

/** A deterministic byte stream (mulberry32), so generated secrets are reproducible. */
function seededRandom(seed: number): RandomBytes {
  let state = seed >>> 0;
  return (size) => {
    const out = new Uint8Array(size);
    for (let i = 0; i < size; i++) {
      state = (state + 0x6d2b79f5) >>> 0;
      let t = state;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      out[i] = ((t ^ (t >>> 14)) >>> 0) & 0xff;
    }
    return out;
  };
}

const cryptoRandom: RandomBytes = (n) => randomBytes(n);

describe('generateSecret', () => {
  it('produces lk_ + 36 base62 characters that classify as latchkey secrets', () => {
    for (let i = 0; i < 200; i++) {
      const secret = generateSecret(cryptoRandom);
      expect(secret).toMatch(FORMAT);
      expect(secret).toHaveLength(SECRET_LENGTH);
      expect(secretShape(secret)).toBe('latchkey');
    }
  });

  it('is deterministic for a given random source and differs between sources', () => {
    const a = generateSecret(seededRandom(42));
    expect(generateSecret(seededRandom(42))).toBe(a);
    expect(generateSecret(seededRandom(43))).not.toBe(a);
  });

  it('never uses the bytes 248–255, which would bias the alphabet', () => {
    // 248 = 4 × 62: only bytes below it map onto the alphabet uniformly.
    const rejected = [248, 249, 250, 251, 252, 253, 254, 255];
    let calls = 0;
    const random: RandomBytes = (size) => {
      calls++;
      // First call: only rejected bytes; then 0, 61, 62, 123, 247 … (all map to 0 or z).
      if (calls === 1) return Uint8Array.from({ length: size }, (_, i) => rejected[i % rejected.length] as number);
      return Uint8Array.from({ length: size }, (_, i) => [0, 61, 62, 123, 247][i % 5] as number);
    };
    const secret = generateSecret(random);
    expect(calls).toBe(2);
    expect(secret.slice(3, 33)).toBe('0z0zz'.repeat(6));
    expect(secretShape(secret)).toBe('latchkey');
  });

  it('draws every base62 character about equally often and nothing else', () => {
    const counts = new Map<string, number>();
    const random = seededRandom(7);
    const secrets = 2000;
    for (let i = 0; i < secrets; i++) {
      for (const ch of generateSecret(random).slice(3, 33)) counts.set(ch, (counts.get(ch) ?? 0) + 1);
    }
    expect([...counts.keys()].sort()).toEqual([...BASE62].sort());
    const expected = (secrets * 30) / 62;
    for (const n of counts.values()) {
      expect(n).toBeGreaterThan(expected * 0.85);
      expect(n).toBeLessThan(expected * 1.15);
    }
  });
});

describe('secretShape', () => {
  const valid = generateSecret(seededRandom(1));

  it('rejects every one-character change of the random part or the checksum', () => {
    for (let i = 3; i < valid.length; i++) {
      for (const replacement of ['0', 'a', 'Z', '9']) {
        if (valid[i] === replacement) continue;
        const changed = valid.slice(0, i) + replacement + valid.slice(i + 1);
        expect(secretShape(changed), `position ${i} → ${replacement}`).toBe('malformed');
      }
    }
  });

  it('rejects two swapped neighbouring characters of the random part', () => {
    const body = valid.slice(3, 33);
    const i = [...body].findIndex((ch, k) => k > 0 && ch !== body[k - 1]);
    const swapped = `lk_${body.slice(0, i - 1)}${body[i]}${body[i - 1]}${body.slice(i + 1)}${valid.slice(33)}`;
    expect(secretShape(swapped)).toBe('malformed');
  });

  const cases: Array<[string, string, SecretShape]> = [
    ['a generated secret', valid, 'latchkey'],
    ['lk_ with one character too few', valid.slice(0, -1), 'malformed'],
    ['lk_ with one character too many', `${valid}0`, 'malformed'],
    ['lk_ with a non-base62 character', `${valid.slice(0, 10)}-${valid.slice(11)}`, 'malformed'],
    ['lk_ and nothing else', 'lk_', 'malformed'],
    ['DatoCMS-style 30 hex characters', 'a3f9b16116d229f6a3f9b16116d229', 'foreign'],
    ['20 URL-safe characters', 'abcdefghij-_.~ABCDEF', 'foreign'],
    ['19 characters', 'abcdefghijABCDEFGHI', 'malformed'],
    ['200 characters', 'x'.repeat(200), 'foreign'],
    ['201 characters', 'x'.repeat(201), 'malformed'],
    ['a space inside', 'abcdefghij ABCDEFGHIJ', 'malformed'],
    ['base64 padding', 'abcdefghijABCDEFGHIJ==', 'malformed'],
    ['a slash', 'abcdefghij/ABCDEFGHIJ', 'malformed'],
    ['a plus', 'abcdefghij+ABCDEFGHIJ', 'malformed'],
    ['non-ASCII letters', 'abcdefghijABCDEFGHIJé', 'malformed'],
    ['a newline at the end', 'abcdefghijABCDEFGHIJ\n', 'malformed'],
    ['empty', '', 'malformed'],
  ];
  it.each(cases)('%s', (_name, secret, shape) => {
    expect(secretShape(secret)).toBe(shape);
  });
});

describe('displayKey', () => {
  it.each([
    ['lk_3xQabcdefghijklmnopqrstuvwxyz0123459aZk', 'lk_3xQ…9aZk'],
    ['a3f9b16116d229f6a3f9b16116d229', 'a3f…d229'],
  ])('masks %s as %s', (secret, masked) => {
    expect(displayKey(secret)).toBe(masked);
  });

  it('never reveals more than 10 characters of a generated secret', () => {
    const secret = generateSecret(cryptoRandom);
    const shown = displayKey(secret).replace('…', '');
    expect(shown).toHaveLength(10);
    expect(secret.startsWith(shown.slice(0, 6)) && secret.endsWith(shown.slice(6))).toBe(true);
  });
});

describe('hashSecret', () => {
  it('is a stable SHA-256 digest in base64url', () => {
    // SHA-256("abc"), from FIPS 180-2 appendix B.1.
    expect(hashSecret('abc')).toBe(Buffer.from('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad', 'hex').toString('base64url'));
    expect(hashSecret('abc')).not.toBe(hashSecret('abd'));
  });
});
