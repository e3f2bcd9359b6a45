/**
 * @module
 * Row ↔ record mapping: the only place that knows booleans are 0/1 and JSON is text.
 */
import type { Selectable } from 'kysely';
import type { AccessToken, HardcodedType, RateLimitOverride, Site, User } from '../core/model.ts';
import type { Role, RoleAttributes } from '../core/roles.ts';
import type { AccessTokenTable, RoleTable, SiteTable, UserTable } from './schema.ts';

export const bool = (value: boolean): number => (value ? 1 : 0);
export const json = (value: unknown): string => JSON.stringify(value);
export const optionalJson = (value: unknown): string | null => (value == null ? null : JSON.stringify(value));
const parse = <T>(text: string | null, fallback: T): T => (text == null ? fallback : (JSON.parse(text) as T));
const ids = (values: readonly (number | string)[]): string[] => values.map(String);

export function toRole(row: Selectable<RoleTable>): Role {
  return {
    id: String(row.id),
    name: row.name,
    attributes: parse<RoleAttributes>(row.attributes, {} as RoleAttributes),
    inheritsFrom: ids(parse<number[]>(row.inherits_from, [])),
  };
}

export function toUser(row: Selectable<UserTable>): User {
  return {
    id: String(row.id),
    email: row.email,
    fullName: row.full_name,
    isActive: row.is_active === 1,
    roleId: String(row.role_id),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export function toSite(row: Selectable<SiteTable>): Site {
  return { name: row.name, timeZone: row.time_zone, createdAt: row.created_at, updatedAt: row.updated_at };
}

export function toAccessToken(row: Selectable<AccessTokenTable>): AccessToken {
  return {
    id: String(row.id),
    name: row.name,
    secretHash: row.secret_hash,
    sealedSecret: row.sealed_secret,
    displayKey: row.display_key,
    hardcodedType: row.hardcoded_type as HardcodedType | null,
    canAccessCda: row.can_access_cda === 1,
    canAccessCdaPreview: row.can_access_cda_preview === 1,
    canAccessCma: row.can_access_cma === 1,
    roleId: row.role_id === null ? null : String(row.role_id),
    userId: row.user_id === null ? null : String(row.user_id),
    permissions: parse<string[]>(row.permissions, []),
    rootNodeIds: ids(parse<(number | string)[]>(row.root_node_ids, [])),
    enabled: row.enabled === 1,
    expiresAt: row.expires_at,
    ipAllowlist: parse<string[] | null>(row.ip_allowlist, null),
    rateLimit: parse<RateLimitOverride | null>(row.rate_limit, null),
    createdByTokenId: row.created_by_token_id === null ? null : String(row.created_by_token_id),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    rotatedAt: row.rotated_at,
    lastCmaAccessAt: row.last_cma_access_at,
    lastCdaAccessAt: row.last_cda_access_at,
  };
}

/** Ids are PostgreSQL `serial` (32-bit): a larger number can name no row and must not reach the query, which would fail. */
const MAX_ROW_ID = 2_147_483_647;

/** Numeric id from a path segment; anything else can match no row. */
export function rowId(id: string): number | null {
  if (!/^[1-9][0-9]{0,9}$/.test(id)) return null;
  const n = Number(id);
  return n <= MAX_ROW_ID ? n : null;
}
