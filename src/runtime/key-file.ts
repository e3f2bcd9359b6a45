/**
 * @module
 * Encryption keys for retrievable secrets. They never live in the database: either
 * `LATCHKEY_ENCRYPTION_KEYS` or a key file (`secret.key`, mode 0600) beside the database, one
 * `VERSION:BASE64KEY` line per key. The highest version encrypts new secrets; all versions decrypt.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createKeyRing, type EncryptionKey, type KeyRing } from '../core/secret-box.ts';

export const KEY_FILE_NAME = 'secret.key';

export function parseKeys(text: string): EncryptionKey[] {
  return text
    .split(/[\n,]/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const match = /^(\d+):([A-Za-z0-9+/_=-]+)$/.exec(line);
      if (!match) throw new Error('Encryption keys must be VERSION:BASE64KEY');
      return { version: Number(match[1]), key: Buffer.from(match[2] as string, 'base64') };
    });
}

export function formatKeys(keys: readonly EncryptionKey[]): string {
  return `${keys.map((k) => `${k.version}:${Buffer.from(k.key).toString('base64')}`).join('\n')}\n`;
}

/** Reads the key ring; creates the key file with one fresh key when there is none yet. */
export function loadKeyRing(dataDir: string, fromEnv: string | undefined): KeyRing {
  if (fromEnv) return createKeyRing(parseKeys(fromEnv));
  const path = keyFilePath(dataDir);
  if (!existsSync(path)) {
    mkdirSync(dataDir, { recursive: true });
    try {
      // `wx`: when two processes start on a new data directory at once, the first key file wins and
      // the other reads it, instead of overwriting a key the first may already have sealed with.
      writeFileSync(path, formatKeys([{ version: 1, key: randomBytes(32) }]), { mode: 0o600, flag: 'wx' });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  return createKeyRing(parseKeys(readFileSync(path, 'utf8')));
}

export function keyFilePath(dataDir: string): string {
  return join(dataDir, KEY_FILE_NAME);
}

function writeKeys(path: string, keys: readonly EncryptionKey[]): void {
  // Write a sibling and rename over: a crash mid-write must never leave a truncated key file.
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, formatKeys(keys), { mode: 0o600 });
  renameSync(temporary, path);
}

/** Adds a new primary key to the key file; returns its version. */
export function addKey(dataDir: string): number {
  const path = keyFilePath(dataDir);
  const keys = existsSync(path) ? parseKeys(readFileSync(path, 'utf8')) : [];
  const version = keys.reduce((max, k) => Math.max(max, k.version), 0) + 1;
  mkdirSync(dataDir, { recursive: true });
  writeKeys(path, [...keys, { version, key: randomBytes(32) }]);
  return version;
}

/** Removes one key version from the key file (the caller checks that nothing still needs it). */
export function removeKey(dataDir: string, version: number): void {
  const path = keyFilePath(dataDir);
  const keys = parseKeys(readFileSync(path, 'utf8'));
  writeKeys(
    path,
    keys.filter((k) => k.version !== version),
  );
}
