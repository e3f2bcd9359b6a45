/**
 * @module
 * Token secrets: `lk_` + 30 base62 random characters (≈178 bits) + 6 base62 characters of the CRC32
 * of the random part, as GitHub's token format. The checksum lets us reject typos and random floods
 * before any hash, cache or database work, and lets secret scanners recognise our tokens.
 *
 * Secrets are high-entropy, so a fast one-way hash is the right storage (NIST SP 800-63B §5.1.2.2:
 * ≥112-bit look-up secrets are hashed with an approved one-way function); a slow KDF would cost
 * ~100,000× a request for no security gain. We use the one-shot `crypto.hash`, 7× cheaper per call
 * than `createHmac` on this runtime.
 */
import { hash } from 'node:crypto';
import { crc32 } from 'node:zlib';

export const SECRET_PREFIX = 'lk_';
const BODY_LENGTH = 30;
const CHECKSUM_LENGTH = 6;
export const SECRET_LENGTH = SECRET_PREFIX.length + BODY_LENGTH + CHECKSUM_LENGTH;

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
/** Foreign secrets (imports, bootstrap values): 20–200 URL-safe characters. */
const FOREIGN_RE = /^[A-Za-z0-9._~-]{20,200}$/;

/** Source of randomness, injected so that the core stays deterministic under test. */
export type RandomBytes = (size: number) => Uint8Array;

function base62(n: number, width: number): string {
  let out = '';
  let rest = n;
  for (let i = 0; i < width; i++) {
    out = BASE62[rest % 62] + out;
    rest = Math.floor(rest / 62);
  }
  return out;
}

function checksum(body: string): string {
  return base62(crc32(body), CHECKSUM_LENGTH);
}

/** A new secret. Rejection sampling keeps every character uniform (no modulo bias). */
export function generateSecret(random: RandomBytes): string {
  let body = '';
  while (body.length < BODY_LENGTH) {
    for (const byte of random(BODY_LENGTH * 2)) {
      if (byte < 248 && body.length < BODY_LENGTH) body += BASE62[byte % 62];
    }
  }
  return SECRET_PREFIX + body + checksum(body);
}

export type SecretShape = 'latchkey' | 'foreign' | 'malformed';

function isBase62(text: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (!((c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122))) return false;
  }
  return true;
}

/** The value of `width` base62 digits of `text` from `start` (the inverse of `base62`). */
function decodeBase62(text: string, start: number, width: number): number {
  let value = 0;
  for (let i = start; i < start + width; i++) {
    const c = text.charCodeAt(i);
    value = value * 62 + (c <= 57 ? c - 48 : c <= 90 ? c - 55 : c - 61);
  }
  return value;
}

/**
 * Classifies a candidate secret without any lookup; `lk_` strings must carry a valid checksum.
 * This runs on every request, so it scans the characters once and compares the checksum as a
 * number, without regular expressions or building strings (together a tenth of a verification).
 */
export function secretShape(secret: string): SecretShape {
  if (secret.startsWith(SECRET_PREFIX)) {
    if (secret.length !== SECRET_LENGTH || !isBase62(secret, SECRET_PREFIX.length, SECRET_LENGTH)) return 'malformed';
    const body = secret.slice(SECRET_PREFIX.length, SECRET_PREFIX.length + BODY_LENGTH);
    return crc32(body) === decodeBase62(secret, SECRET_PREFIX.length + BODY_LENGTH, CHECKSUM_LENGTH) ? 'latchkey' : 'malformed';
  }
  return FOREIGN_RE.test(secret) ? 'foreign' : 'malformed';
}

/** The lookup key stored for a secret: SHA-256, base64url. */
export function hashSecret(secret: string): string {
  return hash('sha256', secret, 'base64url');
}

/** The masked form shown in listings, e.g. `lk_3xQ…9aZk`: enough to recognise, useless to use. */
export function displayKey(secret: string): string {
  const head = secret.startsWith(SECRET_PREFIX) ? SECRET_PREFIX.length + 3 : 3;
  return `${secret.slice(0, head)}…${secret.slice(-4)}`;
}
