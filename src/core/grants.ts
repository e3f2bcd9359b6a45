/**
 * @module
 * The token grant fields, each declared once: its API name and validation, its default, its column
 * and how the value is stored there, its audit key, its CLI flag and how a token created through the
 * account-token API gets it. {@link TokenGrants} is derived from this table, and every mapping (the
 * JSON:API schema, `toUpdate` and serializer, the account-token grants, the row and column mapping,
 * the audit trail, the CLI options) loops over it, so a new field is one row here: forgetting one of
 * its parts fails the type check, not a request.
 */
import { z } from 'zod';
import type { RateLimitOverride } from './model.ts';
import { ApiProblem } from './errors.ts';

/**
 * How a value sits in its column. The store maps each kind one way (booleans are 0/1 integers,
 * lists and objects JSON text, ids integers), so a field names its kind, never SQL.
 */
export interface StoredKinds {
  /** Text, never null. */
  readonly text: string;
  readonly 'nullable-text': string | null;
  readonly flag: boolean;
  /** A row id, or null. */
  readonly id: string | null;
  /** A JSON list of strings, never null (an absent value reads as empty). */
  readonly list: readonly string[];
  /** A JSON list of row ids (old rows may hold numbers). */
  readonly 'id-list': readonly string[];
  /** Any JSON value, or null. */
  readonly 'nullable-json': unknown;
}
export type StoredKind = keyof StoredKinds;

/** An attribute of the JSON:API resource; `schema` is applied before `fromApi` ever sees a value. */
export interface ApiAttribute<T> {
  readonly kind: 'attribute';
  readonly name: string;
  readonly schema: z.ZodType;
  readonly fromApi: (input: unknown) => T;
}

/** A relationship of the JSON:API resource; the transport builds its schema from `type`. */
export interface ApiRelationship<T> {
  readonly kind: 'relationship';
  readonly name: string;
  /** The JSON:API type of what it points at. */
  readonly type: string;
  readonly many: T extends readonly string[] ? true : false;
}

/** A value the command line passes: commander gives `true` for a bare flag, the text otherwise. */
export type CliInput = string | boolean;

export interface CliFlag<T> {
  /** Commander's flag syntax, e.g. `--expires-at <datetime>`. */
  readonly flags: string;
  readonly description: string;
  /** What the flag's value means. */
  readonly parse: (input: CliInput) => T;
  /** The value when the flag is not given, for a field without a default (else the default). */
  readonly absent?: T;
}

/** What an account-token create names; everything else is the caller's (see `core/account-tokens.ts`). */
export interface AccountTokenRequest {
  readonly name?: string | null | undefined;
  readonly permissions?: readonly string[] | undefined;
  readonly websiteIds?: readonly string[] | undefined;
}

export interface GrantField<T> {
  readonly api: ApiAttribute<T> | ApiRelationship<T>;
  /** `required`: the API and the CLI must name it on create; otherwise what a new token gets. */
  readonly default: { readonly value: T } | 'required';
  readonly column: string;
  readonly stored: StoredKind;
  /** Its key in audit entries (snapshots on create/destroy, `{ from, to }` on update). */
  readonly audit: string;
  readonly cli?: CliFlag<T>;
  /**
   * What a token created through the account-token API holds: the caller's own value (`inherit`),
   * a fixed one, or what the request says (the caller's value when that gives `undefined`).
   */
  readonly account: 'inherit' | { readonly value: T } | ((request: AccountTokenRequest) => T | undefined);
}

/** Ties a field's value type to its storage kind: a string list cannot be declared a flag. */
function field<T>() {
  return <K extends StoredKind, C extends string>(
    spec: GrantField<T> & { readonly stored: K; readonly column: C } & ([T] extends [StoredKinds[K]] ? unknown : never),
  ) => spec;
}

function attribute<I, T>(name: string, schema: z.ZodType<I>, fromApi: (input: I) => T): ApiAttribute<T> {
  // Safe: the transport parses with `schema` first, so `input` has the schema's output type.
  return { kind: 'attribute', name, schema, fromApi: (input) => fromApi(input as I) };
}
const same = <T>(value: T): T => value;

const toOne = (name: string, type: string): ApiRelationship<string | null> => ({ kind: 'relationship', name, type, many: false });
const toMany = (name: string, type: string): ApiRelationship<readonly string[]> => ({ kind: 'relationship', name, type, many: true });

/**
 * A display name (a token's, and every other resource's: roles, users, models, fields, the site):
 * trimmed, non-empty, free of NUL (PostgreSQL text cannot store it).
 */
export const displayName = z
  .string()
  .trim()
  .min(1)
  .max(255)
  .refine((value) => !value.includes('\u0000'), 'Must not contain the NUL character');
const stringList = z.array(z.string().max(100)).max(100);
const ratePolicy = z.object({ limit: z.number().int().min(1).max(1_000_000), period_seconds: z.number().int().min(1).max(86_400) }).strict();
export const rateLimitSchema = z.object({ cma: ratePolicy.optional(), cda: ratePolicy.optional() }).strict();

const flag = (flags: string, description: string): CliFlag<boolean> => ({ flags, description, parse: (input) => input === true, absent: false });
const commaList = (input: CliInput): string[] =>
  String(input)
    .split(',')
    .map((s) => s.trim());
/** An ISO-8601 date-time as given on the command line, or a clear error instead of a crash. */
const cliInstant = (input: CliInput): string => {
  const ms = Date.parse(String(input));
  if (Number.isNaN(ms)) throw new ApiProblem('INVALID_FIELD', { field: 'expires_at', message: `--expires-at ${JSON.stringify(input)} is not a date-time` });
  return new Date(ms).toISOString();
};

export const GRANT_FIELDS = {
  name: field<string>()({
    api: attribute('name', displayName, same),
    default: 'required',
    column: 'name',
    stored: 'text',
    audit: 'name',
    cli: { flags: '--name <name>', description: 'token name', parse: String },
    // Seed 003 stores an omitted name as null; tokens always have a name, so null is kept as "".
    account: (request) => request.name ?? '',
  }),
  canAccessCda: field<boolean>()({
    api: attribute('can_access_cda', z.boolean(), same),
    default: 'required',
    column: 'can_access_cda',
    stored: 'flag',
    audit: 'can_access_cda',
    cli: flag('--cda', 'may call the Content Delivery API'),
    account: 'inherit',
  }),
  canAccessCdaPreview: field<boolean>()({
    api: attribute('can_access_cda_preview', z.boolean(), same),
    default: 'required',
    column: 'can_access_cda_preview',
    stored: 'flag',
    audit: 'can_access_cda_preview',
    cli: flag('--preview', 'may read drafts on the Content Delivery API'),
    account: 'inherit',
  }),
  canAccessCma: field<boolean>()({
    api: attribute('can_access_cma', z.boolean(), same),
    default: 'required',
    column: 'can_access_cma',
    stored: 'flag',
    audit: 'can_access_cma',
    cli: flag('--cma', 'may call the Content Management API'),
    account: 'inherit',
  }),
  roleId: field<string | null>()({
    api: toOne('role', 'role'),
    default: { value: null },
    column: 'role_id',
    stored: 'id',
    audit: 'role_id',
    cli: { flags: '--role <id>', description: 'role id (default: the Admin role)', parse: String },
    account: 'inherit',
  }),
  userId: field<string | null>()({
    api: toOne('user', 'user'),
    default: { value: null },
    column: 'user_id',
    stored: 'id',
    audit: 'user_id',
    cli: { flags: '--user <id>', description: 'base the token on this user instead of a role', parse: String },
    account: 'inherit',
  }),
  permissions: field<readonly string[]>()({
    api: attribute('permissions', stringList, same),
    default: { value: ['*'] },
    column: 'permissions',
    stored: 'list',
    audit: 'permissions',
    cli: { flags: '--permissions <list>', description: 'comma-separated permission strings', parse: commaList },
    account: (request) => request.permissions ?? ['*'],
  }),
  rootNodeIds: field<readonly string[]>()({
    api: toMany('root_nodes', 'item'),
    default: { value: [] },
    column: 'root_node_ids',
    stored: 'id-list',
    audit: 'root_node_ids',
    // "Empty means all websites available": for a caller limited to some, that is those.
    account: (request) => {
      const websiteIds = [...new Set(request.websiteIds ?? [])];
      return websiteIds.length > 0 ? websiteIds : undefined;
    },
  }),
  enabled: field<boolean>()({
    api: attribute('enabled', z.boolean(), same),
    default: { value: true },
    column: 'enabled',
    stored: 'flag',
    audit: 'enabled',
    account: { value: true },
  }),
  expiresAt: field<string | null>()({
    api: attribute('expires_at', z.iso.datetime({ offset: true }).nullable(), (v) => (v === null ? null : new Date(v).toISOString())),
    default: { value: null },
    column: 'expires_at',
    stored: 'nullable-text',
    audit: 'expires_at',
    cli: { flags: '--expires-at <datetime>', description: 'ISO-8601 expiry', parse: cliInstant },
    account: 'inherit',
  }),
  ipAllowlist: field<readonly string[] | null>()({
    api: attribute('ip_allowlist', stringList.nullable(), same),
    default: { value: null },
    column: 'ip_allowlist',
    stored: 'nullable-json',
    audit: 'ip_allowlist',
    account: 'inherit',
  }),
  allowedOrigins: field<readonly string[] | null>()({
    api: attribute('allowed_origins', z.array(z.string().max(300)).max(100).nullable(), same),
    default: { value: null },
    column: 'allowed_origins',
    stored: 'nullable-json',
    audit: 'allowed_origins',
    cli: {
      flags: '--allowed-origins <list>',
      description: 'comma-separated browser origins (https://app.example.com, https://*.example.com) the token may be used from',
      parse: commaList,
    },
    account: 'inherit',
  }),
  rateLimit: field<RateLimitOverride | null>()({
    api: attribute('rate_limit', rateLimitSchema.nullable(), same),
    default: { value: null },
    column: 'rate_limit',
    stored: 'nullable-json',
    audit: 'rate_limit',
    account: { value: null },
  }),
};

type Fields = typeof GRANT_FIELDS;
type ValueOf<F> = F extends GrantField<infer T> ? T : never;

/** What a token is allowed: everything about it that its creator chooses (no secret, no history). */
export type TokenGrants = { readonly [K in keyof Fields]: ValueOf<Fields[K]> };
export type GrantKey = keyof TokenGrants;
/** The fields a new token must be given: those without a default. */
export type RequiredGrantKey = { [K in GrantKey]: Fields[K]['default'] extends 'required' ? K : never }[GrantKey];

export const GRANT_KEYS = Object.keys(GRANT_FIELDS) as GrantKey[];

/** Each field's declaration, typed by its key, for loops that read and write one field at a time. */
export function grantField<K extends GrantKey>(key: K): GrantField<TokenGrants[K]> {
  return GRANT_FIELDS[key] as GrantField<TokenGrants[K]>;
}

/** A mutable record of some grants, for the mappings that fill one in field by field. */
export type GrantsDraft = { -readonly [K in GrantKey]?: TokenGrants[K] };

/** Sets one field of a draft; the key and value types travel together. */
export function setGrant<K extends GrantKey>(draft: GrantsDraft, key: K, value: TokenGrants[K]): void {
  draft[key] = value;
}

/** The defaults of a new token: based on nothing yet, all permissions, whole project, no limits. */
export function newTokenGrants(given: Pick<TokenGrants, RequiredGrantKey> & Partial<TokenGrants>): TokenGrants {
  const grants: GrantsDraft = {};
  for (const key of GRANT_KEYS) {
    const declared = grantField(key).default;
    if (declared !== 'required') setGrant(grants, key, declared.value);
  }
  return { ...grants, ...given } as TokenGrants;
}

/** A token's (or any record's) grants, and nothing else. */
export function pickGrants(source: TokenGrants): TokenGrants {
  const grants: GrantsDraft = {};
  for (const key of GRANT_KEYS) setGrant(grants, key, source[key]);
  return grants as TokenGrants;
}

/** Grants under their audit keys: no secret, hash or display key ever gets here. */
export function auditedGrants(grants: TokenGrants): Record<string, unknown> {
  const audited: Record<string, unknown> = {};
  for (const key of GRANT_KEYS) audited[grantField(key).audit] = grants[key];
  return audited;
}

/** What a token created through the account-token API holds. */
export function accountTokenGrants(caller: { readonly token: TokenGrants }, request: AccountTokenRequest): TokenGrants {
  const grants: GrantsDraft = {};
  for (const key of GRANT_KEYS) setGrant(grants, key, accountValue(grantField(key), caller.token[key], request));
  return grants as TokenGrants;
}

function accountValue<T>(declared: GrantField<T>, inherited: T, request: AccountTokenRequest): T {
  const { account } = declared;
  if (account === 'inherit') return inherited;
  if (typeof account === 'function') return account(request) ?? inherited;
  return account.value;
}
