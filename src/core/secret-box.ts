/**
 * @module
 * Retrievable-mode encryption of secrets: AES-256-GCM with a random 96-bit IV per record and the
 * token id as additional authenticated data, so a ciphertext cannot be moved to another row. Keys
 * are versioned; the version travels with the ciphertext so old records stay readable after a new
 * key becomes primary.
 */
import { createCipheriv, createDecipheriv } from 'node:crypto';
import type { RandomBytes } from './secret.ts';

export interface EncryptionKey {
  readonly version: number;
  /** 32 bytes. */
  readonly key: Uint8Array;
}

/** Versioned keys; the highest version encrypts, every version decrypts. */
export interface KeyRing {
  readonly primary: EncryptionKey;
  readonly byVersion: ReadonlyMap<number, EncryptionKey>;
}

export function createKeyRing(keys: readonly EncryptionKey[]): KeyRing {
  if (keys.length === 0) throw new Error('A key ring needs at least one key');
  const byVersion = new Map<number, EncryptionKey>();
  for (const key of keys) {
    if (key.key.length !== 32) throw new Error(`Encryption key v${key.version} must be 32 bytes`);
    if (byVersion.has(key.version)) throw new Error(`Duplicate encryption key version ${key.version}`);
    byVersion.set(key.version, key);
  }
  const primary = [...byVersion.values()].reduce((a, b) => (b.version > a.version ? b : a));
  return { primary, byVersion };
}

const b64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64url');

/** `v<version>.<iv>.<tag>.<ciphertext>`, all base64url. */
export function sealSecret(ring: KeyRing, secret: string, tokenId: string, random: RandomBytes): string {
  const iv = random(12);
  const cipher = createCipheriv('aes-256-gcm', ring.primary.key, iv);
  cipher.setAAD(Buffer.from(tokenId));
  const body = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
  return `v${ring.primary.version}.${b64(iv)}.${b64(cipher.getAuthTag())}.${b64(body)}`;
}

export function sealedKeyVersion(sealed: string): number | null {
  const match = /^v(\d+)\./.exec(sealed);
  return match ? Number(match[1]) : null;
}

const AUTH_TAG_BYTES = 16;

/** The secret, or null when the key is missing or the ciphertext was tampered with. */
export function openSecret(ring: KeyRing, sealed: string, tokenId: string): string | null {
  const [version, iv, tag, body] = sealed.split('.');
  const key = ring.byVersion.get(Number(version?.slice(1)));
  if (!key || !iv || !tag || body === undefined) return null;
  const authTag = Buffer.from(tag, 'base64url');
  // GCM would accept a tag truncated to 4 bytes, which makes forging a stored ciphertext a matter
  // of ~2^32 tries; only the full 16-byte tag we write is ever accepted.
  if (authTag.length !== AUTH_TAG_BYTES) return null;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key.key, Buffer.from(iv, 'base64url'), { authTagLength: AUTH_TAG_BYTES });
    decipher.setAAD(Buffer.from(tokenId));
    decipher.setAuthTag(authTag);
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
  } catch {
    return null;
  }
}
