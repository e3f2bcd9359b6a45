/**
 * @module
 * The project every HTTP benchmark serves: a fresh SQLite database with the factory tokens, plus
 * the benchmark's own tokens (one per extra under test) and the content the measured routes read.
 */
import { newTokenGrants } from '../../src/core/model.ts';
import { SYSTEM_CONTEXT } from '../../src/core/audit.ts';
import { loadConfig } from '../../src/config.ts';
import { createRuntime, type Runtime } from '../../src/cli/runtime.ts';
import type { Principal } from '../../src/core/model.ts';
import { createToken, type TokenGrants } from '../../src/core/tokens.ts';
import { BENCH_RATE_LIMIT, tempDir } from '../lib/seed.ts';
import { seedContent, type Targets } from './content.ts';

/** Tokens that differ from `main` in exactly one extra. */
export interface BenchTokens {
  readonly main: string;
  readonly allowlisted: string;
  readonly scoped: string;
}

export interface BenchProject {
  readonly runtime: Runtime;
  readonly dataDir: string;
  readonly tokens: BenchTokens;
  readonly targets: Targets;
  /** The principal of `main`: what the allow-all composition hands every request. */
  readonly principal: Principal;
}

/** A realistic allowlist: office and VPN ranges first, the loopback range the load comes from last. */
export const BENCH_ALLOWLIST = ['203.0.113.0/24', '198.51.100.0/24', '192.0.2.0/24', '2001:db8::/32', '10.0.0.0/8', '172.16.0.0/12', '::1/128', '127.0.0.0/8'];

export async function openBenchProject(): Promise<BenchProject> {
  const dataDir = tempDir('http');
  const runtime = await createRuntime(loadConfig({ dataDir, logLevel: 'silent' }, {}));
  await runtime.init();
  const role = (await runtime.store.listRoles()).find((r) => r.name === 'Admin');
  if (!role) throw new Error('no Admin role after init');
  const grants: TokenGrants = newTokenGrants({
    name: 'bench main',
    canAccessCda: true,
    canAccessCdaPreview: true,
    canAccessCma: true,
    roleId: role.id,
    rateLimit: BENCH_RATE_LIMIT,
  });
  const content = await seedContent(runtime);
  const main = await createToken(runtime.tokens, grants, null, SYSTEM_CONTEXT);
  const allowlisted = await createToken(runtime.tokens, { ...grants, name: 'bench allowlisted', ipAllowlist: BENCH_ALLOWLIST }, null, SYSTEM_CONTEXT);
  const scoped = await createToken(runtime.tokens, { ...grants, name: 'bench scoped', rootNodeIds: [content.scopeRootId] }, null, SYSTEM_CONTEXT);
  const credential = await runtime.deps.cache.lookup(main.secret);
  if (credential.kind !== 'found') throw new Error('the main benchmark token does not resolve');
  return {
    runtime,
    dataDir,
    tokens: { main: main.secret, allowlisted: allowlisted.secret, scoped: scoped.secret },
    targets: content.targets,
    principal: credential.principal,
  };
}
