/**
 * @module
 * `latchkey tokens …`: break-glass administration straight on the store, for when no admin token
 * is left. Every change goes through the same use cases as the API (audited as the `cli` actor) and
 * is announced like any other write: on PostgreSQL running instances drop the token at once
 * (LISTEN/NOTIFY); a server on the embedded SQLite, a separate process, picks it up within its
 * cache lifetime (LATCHKEY_CACHE_TTL_MS).
 */
import {
  grantField,
  newTokenGrants,
  setGrant,
  type CliInput,
  type GrantKey,
  type GrantsDraft,
  type RequiredGrantKey,
  type TokenGrants,
} from '../core/grants.ts';
import { createToken, destroyToken, rotateToken, setTokenEnabled } from '../core/tokens.ts';
import type { Config } from '../config.ts';
import { createRuntime } from './runtime.ts';
import { tokenRow } from './output.ts';
import { ApiProblem } from '../core/errors.ts';
import { CLI_CONTEXT } from '../core/audit.ts';
import { eachToken } from '../core/token-chunks.ts';
import { CREATE_FLAGS, type CreateOptions } from './token-flags.ts';

/** The grants the flags name; unnamed fields get their CLI value for absence, or their default. */
function grantsFromFlags(options: CreateOptions): GrantsDraft {
  const grants: GrantsDraft = {};
  for (const { key, option } of CREATE_FLAGS) setFromFlag(grants, key, options[option.attributeName()]);
  return grants;
}

function setFromFlag<K extends GrantKey>(grants: GrantsDraft, key: K, given: CliInput | undefined): void {
  const cli = grantField(key).cli;
  if (!cli) return;
  const value = given === undefined ? cli.absent : cli.parse(given);
  if (value !== undefined) setGrant(grants, key, value);
}

async function withRuntime<T>(config: Config, work: (runtime: Awaited<ReturnType<typeof createRuntime>>) => Promise<T>): Promise<T> {
  const runtime = await createRuntime(config);
  try {
    await runtime.init();
    return await work(runtime);
  } finally {
    await runtime.close();
  }
}

export const tokenCommands = {
  list: (config: Config) =>
    withRuntime(config, async ({ store }) => {
      process.stdout.write(`${'id'.padStart(4)}  ${'key'.padEnd(14)}  ${'state'.padEnd(8)}  ${'surfaces'.padEnd(16)}  ${'base'.padEnd(10)}  name\n`);
      for await (const token of eachToken(store)) process.stdout.write(`${tokenRow(token)}\n`);
    }),

  create: (config: Config, options: CreateOptions) =>
    withRuntime(config, async ({ store, tokens }) => {
      const given = grantsFromFlags(options);
      const roleId = given.roleId ?? (given.userId ? null : (await store.findRoleByName('Admin'))?.id);
      if (roleId === undefined) throw new ApiProblem('INVALID_RELATIONSHIP', { message: 'No Admin role; pass --role' });
      // The mandatory options and the values of absent flags cover every field without a default.
      const grants = newTokenGrants({ ...given, roleId } as Pick<TokenGrants, RequiredGrantKey> & Partial<TokenGrants>);
      const issued = await createToken(tokens, grants, null, CLI_CONTEXT);
      process.stdout.write(`${tokenRow(issued.token)}\nsecret: ${issued.secret}\n`);
    }),

  rotate: (config: Config, id: string) =>
    withRuntime(config, async ({ tokens }) => {
      const issued = await rotateToken(tokens, id, CLI_CONTEXT);
      process.stdout.write(`${tokenRow(issued.token)}\nsecret: ${issued.secret}\n`);
    }),

  disable: (config: Config, id: string, enabled = false) =>
    withRuntime(config, async ({ tokens }) => {
      const token = await setTokenEnabled(tokens, id, enabled, CLI_CONTEXT);
      process.stdout.write(`${tokenRow(token)}\n`);
    }),

  delete: (config: Config, id: string) =>
    withRuntime(config, async ({ tokens }) => {
      const token = await destroyToken(tokens, id, null, CLI_CONTEXT);
      process.stdout.write(`deleted ${tokenRow(token)}\n`);
    }),
};
