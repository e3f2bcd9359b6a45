/**
 * @module
 * The floor (run pinned to the server core): in-process `verify` (layers 1–7 on a cache hit: parse
 * the header, check the secret's shape and checksum, hash, look up, decide, rate-limit, record)
 * against the least any hashed-token lookup can do: one `crypto.hash` and one `Map` lookup.
 * Prints one JSON line.
 */
import { hash } from 'node:crypto';
import { rmSync } from 'node:fs';
import { loadConfig } from '../../src/config.ts';
import { createRuntime } from '../../src/cli/runtime.ts';
import { hashSecret } from '../../src/core/secret.ts';
import { verify } from '../../src/http/context.ts';
import { benchSecret } from '../lib/secrets.ts';
import { seedTokens, tempDir } from '../lib/seed.ts';
import { contest } from '../lib/timing.ts';

const [roundsArg, msArg] = process.argv.slice(2);
const TOKENS = 1000;
const SEED = 'floor';

const dataDir = tempDir('floor');
await seedTokens(dataDir, SEED, TOKENS);
const runtime = await createRuntime(loadConfig({ dataDir, logLevel: 'silent' }, {}));
const secrets = Array.from({ length: TOKENS }, (_, i) => benchSecret(SEED, i));
const headers = secrets.map((s) => `Bearer ${s}`);
const table = new Map<string, unknown>();
for (const [i, secret] of secrets.entries()) {
  const decision = await verify(runtime.deps, headers[i], 'items.find', '127.0.0.1');
  if (!decision.ok) throw new Error(`token ${i} does not verify: ${decision.code}`);
  table.set(hashSecret(secret), decision.principal);
}

const result = contest(
  {
    floor: (i) => table.get(hash('sha256', secrets[i % TOKENS] as string, 'base64url')),
    verify: (i) => {
      const decision = verify(runtime.deps, headers[i % TOKENS], 'items.find', '127.0.0.1');
      if (decision instanceof Promise || !decision.ok) throw new Error('verify left the cache-hit path');
      return decision;
    },
  },
  Number(roundsArg ?? 12),
  Number(msArg ?? 300),
);

await runtime.close();
rmSync(dataDir, { recursive: true, force: true });
process.stdout.write(`${JSON.stringify({ tokens: TOKENS, ...result })}\n`);
