import { describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { createKeyRing, openSecret, sealSecret, sealedKeyVersion, type EncryptionKey } from './secret-box.ts';
import type { RandomBytes } from './secret.ts';

const random: RandomBytes = (n) => randomBytes(n);
const key = (version: number): EncryptionKey => ({ version, key: randomBytes(32) });
const SECRET = 'lk_0123456789abcdefghijABCDEFGHIJ000000';

/** Flips one bit of the base64url part `index` of a sealed value. */
function tamper(sealed: string, index: number): string {
  const parts = sealed.split('.');
  const bytes = Buffer.from(parts[index] as string, 'base64url');
  bytes[0] = (bytes[0] as number) ^ 1;
  parts[index] = bytes.toString('base64url');
  return parts.join('.');
}

describe('secret box', () => {
  const v1 = key(1);
  const ring = createKeyRing([v1]);

  it('opens what it sealed, for the same token id', () => {
    const sealed = sealSecret(ring, SECRET, '17', random);
    expect(sealed).not.toContain(SECRET);
    expect(openSecret(ring, sealed, '17')).toBe(SECRET);
  });

  it('uses a fresh IV each time, so equal secrets do not look equal', () => {
    expect(sealSecret(ring, SECRET, '17', random)).not.toBe(sealSecret(ring, SECRET, '17', random));
  });

  it('refuses a ciphertext moved to another token (the id is authenticated data)', () => {
    const sealed = sealSecret(ring, SECRET, '17', random);
    expect(openSecret(ring, sealed, '18')).toBeNull();
    expect(openSecret(ring, sealed, '170')).toBeNull();
  });

  it.each([
    ['IV', 1],
    ['tag', 2],
    ['ciphertext', 3],
  ])('refuses a tampered %s', (_name, index) => {
    const sealed = sealSecret(ring, SECRET, '17', random);
    expect(openSecret(ring, tamper(sealed, index), '17')).toBeNull();
  });

  it('refuses a truncated authentication tag, even when it is a true prefix of the real one', () => {
    const parts = sealSecret(ring, SECRET, '17', random).split('.');
    parts[2] = Buffer.from(parts[2] as string, 'base64url')
      .subarray(0, 4)
      .toString('base64url');
    expect(openSecret(ring, parts.join('.'), '17')).toBeNull();
  });

  it.each(['', 'v1', 'v1.a.b', 'garbage', 'v1...', 'vx.a.b.c'])('refuses the malformed value %j', (sealed) => {
    expect(openSecret(ring, sealed, '17')).toBeNull();
  });

  it('keeps old records readable after a new primary key is added', () => {
    const old = sealSecret(ring, SECRET, '17', random);
    const rotated = createKeyRing([v1, key(2)]);
    expect(rotated.primary.version).toBe(2);
    const fresh = sealSecret(rotated, SECRET, '17', random);
    expect(sealedKeyVersion(old)).toBe(1);
    expect(sealedKeyVersion(fresh)).toBe(2);
    expect(openSecret(rotated, old, '17')).toBe(SECRET);
    expect(openSecret(rotated, fresh, '17')).toBe(SECRET);
    // The old ring cannot read what the new primary sealed.
    expect(openSecret(ring, fresh, '17')).toBeNull();
  });

  it('refuses an unknown key version, and a known version with the wrong key', () => {
    const sealed = sealSecret(ring, SECRET, '17', random);
    expect(openSecret(createKeyRing([key(2)]), sealed, '17')).toBeNull();
    expect(openSecret(createKeyRing([key(1)]), sealed, '17')).toBeNull();
    expect(openSecret(ring, sealed.replace(/^v1\./, 'v9.'), '17')).toBeNull();
  });

  it('rejects bad key rings', () => {
    expect(() => createKeyRing([])).toThrow(/at least one key/);
    expect(() => createKeyRing([{ version: 1, key: randomBytes(16) }])).toThrow(/32 bytes/);
    expect(() => createKeyRing([key(1), key(1)])).toThrow(/Duplicate/);
  });

  it('picks the highest version as primary whatever the order', () => {
    expect(createKeyRing([key(3), key(1), key(2)]).primary.version).toBe(3);
  });
});
