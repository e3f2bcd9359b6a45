/**
 * @module
 * Encryption-key rotation for retrievable secrets. Adding a key makes it primary for new secrets at
 * once; every older version keeps decrypting, so nothing breaks. Re-encryption then moves every
 * stored secret onto the primary key, after which the old keys hold nothing and can be removed.
 * Token lookups go by hash and never need a key: authentication is unaffected throughout.
 */
import type { TokenStore } from './ports.ts';
import type { RandomBytes } from './secret.ts';
import { openSecret, sealSecret, sealedKeyVersion, type KeyRing } from './secret-box.ts';
import { eachToken } from './token-chunks.ts';

export interface KeyUsage {
  /** Sealed secrets per key version. */
  readonly byVersion: ReadonlyMap<number, number>;
  /** Tokens with no stored secret (created in `once` mode). */
  readonly withoutSecret: number;
}

export interface ReencryptReport {
  readonly reencrypted: number;
  /** Already sealed under the primary key. */
  readonly current: number;
  readonly withoutSecret: number;
  /** Changed under our feet (rotated or deleted meanwhile): their new secret is already current. */
  readonly skipped: number;
  /** Ids whose secret no key in the ring opens (key removed too early, or tampered ciphertext). */
  readonly unreadable: readonly string[];
}

export async function keyUsage(store: TokenStore): Promise<KeyUsage> {
  const byVersion = new Map<number, number>();
  let withoutSecret = 0;
  for await (const token of eachToken(store)) {
    const version = token.sealedSecret === null ? null : sealedKeyVersion(token.sealedSecret);
    if (version === null) withoutSecret++;
    else byVersion.set(version, (byVersion.get(version) ?? 0) + 1);
  }
  return { byVersion, withoutSecret };
}

export async function reencryptSecrets(store: TokenStore, keyRing: KeyRing, random: RandomBytes): Promise<ReencryptReport> {
  let reencrypted = 0;
  let current = 0;
  let withoutSecret = 0;
  let skipped = 0;
  const unreadable: string[] = [];
  for await (const token of eachToken(store)) {
    const sealed = token.sealedSecret;
    if (sealed === null) {
      withoutSecret++;
      continue;
    }
    if (sealedKeyVersion(sealed) === keyRing.primary.version) {
      current++;
      continue;
    }
    const secret = openSecret(keyRing, sealed, token.id);
    if (secret === null) {
      unreadable.push(token.id);
      continue;
    }
    if (await store.resealSecret(token.id, sealed, sealSecret(keyRing, secret, token.id, random))) reencrypted++;
    else skipped++;
  }
  return { reencrypted, current, withoutSecret, skipped, unreadable };
}
