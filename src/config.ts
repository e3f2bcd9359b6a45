/**
 * @module
 * The only reader of `process.env`. Configuration is validated once at start (every problem listed
 * at once), then frozen; everything else receives plain values.
 */
import { resolve } from 'node:path';
import { z } from 'zod';
import { secretShape } from './core/secret.ts';
import { DEFAULT_RATE_LIMITS } from './runtime/rate-limiter.ts';

const port = z.coerce.number().int().min(0).max(65535);
/**
 * A seeded factory secret must be one the server will accept in an Authorization header; any other
 * value would lock the operator out of a project that is initialised only once.
 */
const bootstrapSecret = z
  .string()
  .refine((value) => secretShape(value) !== 'malformed', 'must be a latchkey secret (lk_…) or 20–200 URL-safe characters [A-Za-z0-9._~-]');
const positiveInt = z.coerce.number().int().positive();
/**
 * A surface's default rate limit, `REQUESTS/SECONDS` (a token's own `rate_limit` overrides it),
 * within the bounds the API accepts for a token's own limit.
 */
const ratePolicy = z
  .string()
  .regex(/^\d{1,7}\/\d{1,5}$/, 'must be REQUESTS/SECONDS, e.g. 60/3')
  .transform((value) => {
    const [limit, seconds] = value.split('/').map(Number) as [number, number];
    return { limit, period_seconds: seconds };
  })
  .refine(
    (p) => p.limit >= 1 && p.limit <= 1_000_000 && p.period_seconds >= 1 && p.period_seconds <= 86_400,
    'must allow 1–1000000 requests per 1–86400 seconds',
  );

const ConfigSchema = z.object({
  host: z.string().min(1).default('127.0.0.1'),
  port: port.default(7700),
  dataDir: z.string().min(1).default('./data'),
  databaseUrl: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
    .optional(),
  redisUrl: z
    .string()
    .regex(/^rediss?:\/\//, 'must be a redis:// URL')
    .optional(),
  secretMode: z.enum(['retrievable', 'once']).default('retrievable'),
  /** `VERSION:BASE64KEY` pairs, comma separated; overrides the key file in the data directory. */
  encryptionKeys: z.string().optional(),
  bootstrapAdminToken: bootstrapSecret.optional(),
  bootstrapReadonlyToken: bootstrapSecret.optional(),
  /** Trust `X-Forwarded-For` from these proxies (Fastify `trustProxy`: `true`, hop count, or CIDRs). */
  trustProxy: z.string().optional(),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  cacheTtlMs: positiveInt.default(30_000),
  accessFlushMs: positiveInt.default(10_000),
  bodyLimitBytes: positiveInt.default(1_048_576),
  cmaRateLimit: ratePolicy.default(DEFAULT_RATE_LIMITS.cma),
  cdaRateLimit: ratePolicy.default(DEFAULT_RATE_LIMITS.cda),
});

export type Config = Readonly<z.infer<typeof ConfigSchema>>;
export type ConfigInput = z.input<typeof ConfigSchema>;

const ENV_NAMES: Record<keyof ConfigInput, string> = {
  host: 'LATCHKEY_HOST',
  port: 'LATCHKEY_PORT',
  dataDir: 'LATCHKEY_DATA_DIR',
  databaseUrl: 'LATCHKEY_DATABASE_URL',
  redisUrl: 'LATCHKEY_REDIS_URL',
  secretMode: 'LATCHKEY_SECRET_MODE',
  encryptionKeys: 'LATCHKEY_ENCRYPTION_KEYS',
  bootstrapAdminToken: 'LATCHKEY_BOOTSTRAP_ADMIN_TOKEN',
  bootstrapReadonlyToken: 'LATCHKEY_BOOTSTRAP_READONLY_TOKEN',
  trustProxy: 'LATCHKEY_TRUST_PROXY',
  logLevel: 'LATCHKEY_LOG_LEVEL',
  cacheTtlMs: 'LATCHKEY_CACHE_TTL_MS',
  accessFlushMs: 'LATCHKEY_ACCESS_FLUSH_MS',
  bodyLimitBytes: 'LATCHKEY_BODY_LIMIT_BYTES',
  cmaRateLimit: 'LATCHKEY_CMA_RATE_LIMIT',
  cdaRateLimit: 'LATCHKEY_CDA_RATE_LIMIT',
};

export class ConfigError extends Error {}

/** Environment first, then command-line flags on top; empty values count as unset. */
export function loadConfig(overrides: Partial<ConfigInput> = {}, env: NodeJS.ProcessEnv = process.env): Config {
  const fromEnv: Record<string, string> = {};
  for (const [key, name] of Object.entries(ENV_NAMES)) {
    const value = env[name];
    if (value !== undefined && value !== '') fromEnv[key] = value;
  }
  const defined = Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined));
  const parsed = ConfigSchema.safeParse({ ...fromEnv, ...defined });
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${ENV_NAMES[i.path[0] as keyof ConfigInput] ?? i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n  ${problems.join('\n  ')}`);
  }
  return Object.freeze({ ...parsed.data, dataDir: resolve(parsed.data.dataDir) });
}

export function envNameOf(key: keyof ConfigInput): string {
  return ENV_NAMES[key];
}
