/**
 * A copy of the database reveals no usable secret: only hashes (and, in retrievable mode,
 * ciphertexts under a key that lives outside the database) are stored. Checked on the raw bytes
 * of the SQLite file and its write-ahead log, and on a pg_dump of the PostgreSQL schema.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { randomBytes } from 'node:crypto';
import { DIALECTS, POSTGRES_URL } from '../support/databases.ts';
import { startHarness, type Harness } from '../support/harness.ts';
import { hashSecret } from '../../src/core/secret.ts';
import { createKeyRing, openSecret } from '../../src/core/secret-box.ts';
import { KEY_FILE_NAME, parseKeys } from '../../src/runtime/key-file.ts';

const run = promisify(execFile);

/** Everything the database holds, as one string of bytes (latin1 keeps every byte). */
async function storedBytes(h: Harness): Promise<string> {
  if (h.db.target.kind === 'sqlite') {
    const files = [h.db.location, `${h.db.location}-wal`].filter((f) => existsSync(f));
    return files.map((f) => readFileSync(f).toString('latin1')).join('\n');
  }
  const { stdout } = await run('pg_dump', [`--schema=${h.db.location}`, `--dbname=${POSTGRES_URL}`], {
    timeout: 30_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  return stdout;
}

/** Creates two tokens, rotates one of them with a grace period, and returns every secret issued. */
async function issueSecrets(h: Harness): Promise<{ secrets: string[]; ids: string[] }> {
  const secrets = [h.adminSecret, h.readonlySecret];
  const ids: string[] = [];
  for (const name of ['CI deploy', 'Preview']) {
    const res = await h.request('POST', '/access_tokens', {
      token: h.adminSecret,
      body: {
        data: {
          type: 'access_token',
          attributes: { name, can_access_cda: true, can_access_cda_preview: true, can_access_cma: true },
          relationships: { role: { data: { type: 'role', id: (await h.runtime.store.listRoles())[0]!.id } } },
        },
      },
    });
    expect(res.statusCode, res.body).toBe(201);
    secrets.push(res.json().data.attributes.token);
    ids.push(res.json().data.id);
  }
  const rotated = await h.request('POST', `/access_tokens/${ids[0]}/regenerate_token?grace_period=600`, { token: h.adminSecret });
  expect(rotated.statusCode, rotated.body).toBe(200);
  secrets.push(rotated.json().data.attributes.token);
  return { secrets, ids };
}

function expectNoSecrets(bytes: string, secrets: string[]): void {
  for (const secret of secrets) {
    expect(secret.length).toBeGreaterThanOrEqual(20);
    // The positive control: the lookup hash is stored, so we are reading the right bytes.
    expect(bytes.includes(hashSecret(secret)), 'hash of an issued secret is stored').toBe(true);
    expect(bytes.includes(secret), 'a secret is readable in the database').toBe(false);
    // Nor its random part without the prefix, nor its hex encoding.
    expect(bytes.includes(secret.slice(3, 33))).toBe(false);
    expect(bytes.includes(Buffer.from(secret).toString('hex'))).toBe(false);
  }
}

for (const dialect of DIALECTS) {
  for (const secretMode of ['retrievable', 'once'] as const) {
    describe(`${dialect}, ${secretMode} mode: secrets at rest`, () => {
      let h: Harness;
      let issued: { secrets: string[]; ids: string[] };

      beforeAll(async () => {
        h = await startHarness({ dialect, config: { secretMode } });
        issued = await issueSecrets(h);
      });
      afterAll(() => h?.close());

      it('stores no secret, only its hash', async () => {
        expect(issued.secrets).toHaveLength(5);
        expect(new Set(issued.secrets).size).toBe(5);
        expectNoSecrets(await storedBytes(h), issued.secrets);
      });

      it('keeps the encryption key in the data directory, never in the database', async () => {
        const keyFile = join(h.db.dataDir, KEY_FILE_NAME);
        expect(existsSync(keyFile)).toBe(true);
        const keys = parseKeys(readFileSync(keyFile, 'utf8'));
        expect(keys.length).toBeGreaterThan(0);
        const bytes = await storedBytes(h);
        for (const { key } of keys) {
          const raw = Buffer.from(key);
          expect(bytes.includes(raw.toString('latin1'))).toBe(false);
          expect(bytes.includes(raw.toString('base64'))).toBe(false);
          expect(bytes.includes(raw.toString('base64url'))).toBe(false);
          expect(bytes.includes(raw.toString('hex'))).toBe(false);
        }
      });

      if (secretMode === 'retrievable') {
        it('seals secrets so that only the key ring opens them, and only for their own token', async () => {
          const [id] = issued.ids as [string];
          const token = await h.runtime.store.findToken(id);
          const current = issued.secrets[4];
          expect(token?.sealedSecret).toMatch(/^v\d+\./);
          expect(openSecret(h.runtime.deps.keyRing, token!.sealedSecret!, id)).toBe(current);
          const stranger = createKeyRing([{ version: h.runtime.deps.keyRing.primary.version, key: randomBytes(32) }]);
          expect(openSecret(stranger, token!.sealedSecret!, id)).toBeNull();
          expect(openSecret(h.runtime.deps.keyRing, token!.sealedSecret!, issued.ids[1]!)).toBeNull();
        });

        it('returns the secret on reads to token managers', async () => {
          const res = await h.request('GET', `/access_tokens/${issued.ids[1]}`, { token: h.adminSecret });
          expect(res.json().data.attributes.token).toBe(issued.secrets[3]);
        });
      } else {
        it('keeps no ciphertext and returns the secret on no read', async () => {
          for (const token of await h.runtime.store.listTokens()) expect(token.sealedSecret).toBeNull();
          const res = await h.request('GET', `/access_tokens/${issued.ids[1]}`, { token: h.adminSecret });
          expect(res.statusCode).toBe(200);
          expect(res.json().data.attributes.token).toBeNull();
        });
      }
    });
  }
}
