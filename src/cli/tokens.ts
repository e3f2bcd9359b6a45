/**
 * @module
 * `latchkey tokens …`: break-glass administration straight on the store, for when no admin token
 * is left. Every change goes through the same use cases as the API (audited as the `cli` actor) and
 * is announced like any other write: on PostgreSQL running instances drop the token at once
 * (LISTEN/NOTIFY); a server on the embedded SQLite, a separate process, picks it up within its
 * cache lifetime (LATCHKEY_CACHE_TTL_MS).
 */
import { newTokenGrants } from '../core/model.ts';
import type { Config } from '../config.ts';
import { createRuntime } from './runtime.ts';
import { tokenRow } from './output.ts';
import { ApiProblem } from '../core/errors.ts';
import { CLI_CONTEXT } from '../core/audit.ts';
import { eachToken } from '../core/token-chunks.ts';

export interface CreateOptions {
  readonly name: string;
  readonly role?: string;
  readonly user?: string;
  readonly cma?: boolean;
  readonly cda?: boolean;
  readonly preview?: boolean;
  readonly permissions?: string[];
  readonly expiresAt?: string;
}

/** An ISO-8601 date-time as given on the command line, or a clear error instead of a crash. */
function isoInstant(value: string): string {
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new ApiProblem('INVALID_FIELD', { field: 'expires_at', message: `--expires-at ${JSON.stringify(value)} is not a date-time` });
  return new Date(ms).toISOString();
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
      const roleId = options.role ?? (options.user ? null : (await store.findRoleByName('Admin'))?.id);
      if (roleId === undefined) throw new ApiProblem('INVALID_RELATIONSHIP', { message: 'No Admin role; pass --role' });
      const issued = await tokens.create(
        newTokenGrants({
          name: options.name,
          canAccessCma: options.cma ?? false,
          canAccessCda: options.cda ?? false,
          canAccessCdaPreview: options.preview ?? false,
          roleId: roleId ?? null,
          userId: options.user ?? null,
          ...(options.permissions ? { permissions: options.permissions } : {}),
          expiresAt: options.expiresAt ? isoInstant(options.expiresAt) : null,
        }),
        null,
        CLI_CONTEXT,
      );
      process.stdout.write(`${tokenRow(issued.token)}\nsecret: ${issued.secret}\n`);
    }),

  rotate: (config: Config, id: string) =>
    withRuntime(config, async ({ tokens }) => {
      const issued = await tokens.rotate(id, CLI_CONTEXT);
      process.stdout.write(`${tokenRow(issued.token)}\nsecret: ${issued.secret}\n`);
    }),

  disable: (config: Config, id: string, enabled = false) =>
    withRuntime(config, async ({ tokens }) => {
      const token = await tokens.setEnabled(id, enabled, CLI_CONTEXT);
      process.stdout.write(`${tokenRow(token)}\n`);
    }),

  delete: (config: Config, id: string) =>
    withRuntime(config, async ({ tokens }) => {
      const token = await tokens.destroy(id, null, CLI_CONTEXT);
      process.stdout.write(`deleted ${tokenRow(token)}\n`);
    }),
};
