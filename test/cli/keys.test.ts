/**
 * Encryption-key rotation with the operator commands: add a key, restart, re-encrypt, remove the
 * old key, restart. Tokens authenticate and their secrets stay readable at every step.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, type Config } from '../../src/config.ts';
import { createRuntime } from '../../src/cli/runtime.ts';
import { buildApp } from '../../src/http/app.ts';
import { KeyCommandError, keyCommands } from '../../src/cli/keys.ts';
import { keyFilePath } from '../../src/runtime/key-file.ts';
import { DIALECTS } from '../support/databases.ts';
import { startHarness, type Harness } from '../support/harness.ts';
import { createToken } from '../support/tokens.ts';

for (const dialect of DIALECTS) {
  describe(`${dialect}: keys add / reencrypt / remove`, () => {
    let h: Harness;
    let config: Config;
    const lines: string[] = [];
    const options = () => ({ print: (line: string) => lines.push(line), target: h.db.target });

    beforeAll(async () => {
      h = await startHarness({ dialect });
      config = loadConfig({ dataDir: h.db.dataDir, logLevel: 'silent' }, {});
    });
    afterAll(() => h.close());

    /** A server started afresh on the same data (what a restart does): checks every token. */
    async function restartAndCheck(tokens: readonly { id: string; secret: string }[]) {
      const runtime = await createRuntime(config, { clock: h.clock, target: h.db.target });
      const app = await buildApp(runtime.deps);
      try {
        for (const { id, secret } of tokens) {
          h.clock.advance(100);
          const res = await app.inject({ method: 'GET', url: `/access_tokens/${id}`, headers: { authorization: `Bearer ${secret}` } });
          expect(res.statusCode).toBe(200);
          expect(res.json().data.attributes.token).toBe(secret);
        }
        return { runtime, app };
      } catch (error) {
        await app.close();
        await runtime.close();
        throw error;
      }
    }

    it('rotates the key without a token ever failing or becoming unreadable', async () => {
      const t1 = await createToken(h);
      const tokens = [t1, { id: '2', secret: h.adminSecret }];

      await keyCommands.add(config, options());
      expect(lines.at(-2)).toMatch(/^Added key 2 to .*; it is now the primary key\.$/);
      expect(
        readFileSync(keyFilePath(h.db.dataDir), 'utf8')
          .trim()
          .split('\n')
          .map((l) => l.split(':')[0]),
      ).toEqual(['1', '2']);

      // The running server (key 1 only) carries on.
      expect((await h.request('GET', `/access_tokens/${t1.id}`, { token: t1.secret })).json().data.attributes.token).toBe(t1.secret);

      // Restarted with both keys: old secrets open with key 1, new ones are sealed with key 2.
      const second = await restartAndCheck(tokens);
      h.clock.advance(3_000);
      const created = await second.app.inject({
        method: 'POST',
        url: '/access_tokens',
        headers: { authorization: `Bearer ${h.adminSecret}`, 'content-type': 'application/json' },
        payload: {
          data: {
            type: 'access_token',
            attributes: { name: 't2', can_access_cma: true, can_access_cda: false, can_access_cda_preview: false },
            relationships: { role: { data: { type: 'role', id: '1' } } },
          },
        },
      });
      const t2 = { id: created.json().data.id as string, secret: created.json().data.attributes.token as string };
      expect((await second.runtime.store.findToken(t2.id))?.sealedSecret).toMatch(/^v2\./);
      tokens.push(t2);

      await expect(keyCommands.remove(config, 1, options())).rejects.toThrow(/still seals 3 secrets/);
      await expect(keyCommands.remove(config, 2, options())).rejects.toThrow(/primary key/);

      await keyCommands.reencrypt(config, options());
      expect(lines.at(-1)).toBe('Re-encrypted 3 secrets under key 2; 1 were already current, 0 changed meanwhile, 0 tokens keep no secret.');
      await keyCommands.reencrypt(config, options());
      expect(lines.at(-1)).toMatch(/^Re-encrypted 0 secrets under key 2; 4 were already current/);

      // The server that was running throughout still serves every token.
      for (const { id, secret } of tokens) {
        h.clock.advance(100);
        const res = await second.app.inject({ method: 'GET', url: `/access_tokens/${id}`, headers: { authorization: `Bearer ${secret}` } });
        expect(res.json().data.attributes.token).toBe(secret);
      }
      await second.app.close();
      await second.runtime.close();

      await keyCommands.remove(config, 1, options());
      expect(
        readFileSync(keyFilePath(h.db.dataDir), 'utf8')
          .trim()
          .split('\n')
          .map((l) => l.split(':')[0]),
      ).toEqual(['2']);
      const third = await restartAndCheck(tokens);
      await third.app.close();
      await third.runtime.close();

      await keyCommands.list(config, options());
      expect(lines.slice(-2)).toEqual(['key 2 (primary): 4 secrets', '0 tokens keep no secret (created in once mode)']);
    });

    it('names the secrets no key opens instead of dropping them', async () => {
      const onlyNewKey = loadConfig({ dataDir: h.db.dataDir, logLevel: 'silent', encryptionKeys: `3:${Buffer.alloc(32, 7).toString('base64')}` }, {});
      await expect(keyCommands.reencrypt(onlyNewKey, options())).rejects.toThrow(KeyCommandError);
      await expect(keyCommands.reencrypt(onlyNewKey, options())).rejects.toThrow(/No key opens the secrets of tokens 1, 2, 3, 4/);
    });

    it('explains that LATCHKEY_ENCRYPTION_KEYS must be edited when the keys come from it', async () => {
      const before = readFileSync(keyFilePath(h.db.dataDir), 'utf8');
      const fromEnv = loadConfig({ dataDir: h.db.dataDir, logLevel: 'silent', encryptionKeys: `4:${Buffer.alloc(32, 1).toString('base64')}` }, {});
      await expect(keyCommands.add(fromEnv, options())).rejects.toThrow(/LATCHKEY_ENCRYPTION_KEYS.*append ",5:/);
      expect(readFileSync(keyFilePath(h.db.dataDir), 'utf8')).toBe(before);
    });
  });
}
