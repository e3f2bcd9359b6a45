/**
 * @module
 * `latchkey keys …`: encryption-key rotation for retrievable secrets.
 *
 *   1. `keys add`        a new primary key (key file); restart the servers so they seal with it
 *   2. `keys reencrypt`  move every stored secret onto the primary key
 *   3. `keys remove N`   drop a key version once no secret needs it; restart the servers
 *
 * Authentication never needs a key (lookups go by hash), so tokens keep working at every step.
 * With LATCHKEY_ENCRYPTION_KEYS the keys live in the environment and the operator edits it there.
 */
import { randomBytes } from 'node:crypto';
import type { Config } from '../config.ts';
import { envNameOf } from '../config.ts';
import { keyUsage, reencryptSecrets } from '../core/key-rotation.ts';
import { addKey, keyFilePath, parseKeys, removeKey } from '../runtime/key-file.ts';
import type { DatabaseTarget } from '../store/database.ts';
import { createRuntime, type Runtime } from './runtime.ts';
import { CliError } from './failure.ts';

export type Print = (line: string) => void;
const stdout: Print = (line) => process.stdout.write(`${line}\n`);

export interface KeyCommandOptions {
  readonly print?: Print;
  /** The database, when it is not the one the configuration names. */
  readonly target?: DatabaseTarget;
}

/** A refusal the operator can act on; the CLI prints it and exits with status 1. */
export class KeyCommandError extends CliError {}

async function withRuntime<T>(config: Config, options: KeyCommandOptions, work: (runtime: Runtime) => Promise<T>): Promise<T> {
  const runtime = await createRuntime(config, options.target ? { target: options.target } : {});
  try {
    return await work(runtime);
  } finally {
    await runtime.close();
  }
}

function envKeysHelp(config: Config, action: string): KeyCommandError {
  const next = Math.max(0, ...parseKeys(config.encryptionKeys ?? '').map((k) => k.version)) + 1;
  return new KeyCommandError(
    `The encryption keys come from ${envNameOf('encryptionKeys')}, so ${action} there: ` +
      (action.startsWith('add')
        ? `append ",${next}:<32 random bytes, base64>" (e.g. from \`openssl rand -base64 32\`) and restart every server.`
        : 'remove that VERSION:KEY pair and restart every server.'),
  );
}

export const keyCommands = {
  list: (config: Config, options: KeyCommandOptions = {}) =>
    withRuntime(config, options, async ({ store, deps }) => {
      const print = options.print ?? stdout;
      const usage = await keyUsage(store);
      for (const version of [...deps.keyRing.byVersion.keys()].sort((a, b) => a - b)) {
        const primary = version === deps.keyRing.primary.version ? ' (primary)' : '';
        print(`key ${version}${primary}: ${usage.byVersion.get(version) ?? 0} secrets`);
      }
      for (const [version, count] of usage.byVersion) {
        if (!deps.keyRing.byVersion.has(version)) print(`key ${version} (missing!): ${count} secrets cannot be read`);
      }
      print(`${usage.withoutSecret} tokens keep no secret (created in once mode)`);
    }),

  add: async (config: Config, options: KeyCommandOptions = {}) => {
    const print = options.print ?? stdout;
    if (config.encryptionKeys) throw envKeysHelp(config, 'add the new key');
    const version = addKey(config.dataDir);
    print(`Added key ${version} to ${keyFilePath(config.dataDir)}; it is now the primary key.`);
    print('Restart every server so it seals new secrets with it, then run `latchkey keys reencrypt`.');
  },

  reencrypt: (config: Config, options: KeyCommandOptions = {}) =>
    withRuntime(config, options, async ({ store, deps }) => {
      const print = options.print ?? stdout;
      const report = await reencryptSecrets(store, deps.keyRing, (n) => randomBytes(n));
      print(
        `Re-encrypted ${report.reencrypted} secrets under key ${deps.keyRing.primary.version}; ` +
          `${report.current} were already current, ${report.skipped} changed meanwhile, ` +
          `${report.withoutSecret} tokens keep no secret.`,
      );
      if (report.unreadable.length > 0) {
        throw new KeyCommandError(`No key opens the secrets of tokens ${report.unreadable.join(', ')}; keep every old key until they are rotated.`);
      }
    }),

  remove: (config: Config, version: number, options: KeyCommandOptions = {}) =>
    withRuntime(config, options, async ({ store, deps }) => {
      const print = options.print ?? stdout;
      if (!deps.keyRing.byVersion.has(version)) throw new KeyCommandError(`There is no key ${version}.`);
      if (version === deps.keyRing.primary.version) throw new KeyCommandError(`Key ${version} is the primary key; add a newer one first.`);
      const inUse = (await keyUsage(store)).byVersion.get(version) ?? 0;
      if (inUse > 0) throw new KeyCommandError(`Key ${version} still seals ${inUse} secrets; run \`latchkey keys reencrypt\` first.`);
      if (config.encryptionKeys) throw envKeysHelp(config, `remove key ${version}`);
      removeKey(config.dataDir, version);
      print(`Removed key ${version}. Restart every server to forget it.`);
    }),
};
