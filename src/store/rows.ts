/**
 * @module
 * Row ↔ record mapping: the only place that knows booleans are 0/1 and JSON is text.
 */
import type { Selectable } from 'kysely';
import type { AccessToken, HardcodedType, Site, User } from '../core/model.ts';
import type { Role, RoleAttributes } from '../core/roles.ts';
import { GRANT_KEYS, grantField, type GRANT_FIELDS, type GrantKey, type StoredKind, type StoredKinds, type TokenGrants } from '../core/grants.ts';
import type { AccessTokenTable, RoleTable, SiteTable, StoredColumns, UserTable } from './schema.ts';

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

/** A grant value as its column holds it, by the field's storage kind. */
export function toColumn<K extends StoredKind>(kind: K, value: StoredKinds[K]): StoredColumns[K];
export function toColumn(kind: StoredKind, value: unknown): string | number | null {
  switch (kind) {
    case 'text':
    case 'nullable-text':
      return value as string | null;
    case 'flag':
      return bool(value as boolean);
    case 'id':
      return value === null ? null : Number(value);
    case 'list':
    case 'id-list':
      return json(value);
    case 'nullable-json':
      return optionalJson(value);
  }
}

/** A grant value read back from its column. */
export function fromColumn<K extends StoredKind>(kind: K, raw: StoredColumns[K]): StoredKinds[K];
export function fromColumn(kind: StoredKind, raw: string | number | null): unknown {
  switch (kind) {
    case 'text':
    case 'nullable-text':
      return raw;
    case 'flag':
      return raw === 1;
    case 'id':
      return raw === null ? null : String(raw);
    case 'list':
      return parse<string[]>(raw as string | null, []);
    case 'id-list':
      return ids(parse<(number | string)[]>(raw as string | null, []));
    case 'nullable-json':
      return parse<unknown>(raw as string | null, null);
  }
}

type GrantRow = Pick<Selectable<AccessTokenTable>, GrantColumn>;
type GrantColumn = (typeof GRANT_FIELDS)[GrantKey]['column'];

/** The columns of some grants (all of them for an insert, the changed ones for an update). */
export function grantColumns(grants: TokenGrants): GrantRow;
export function grantColumns(grants: Partial<TokenGrants>): Partial<GrantRow>;
export function grantColumns(grants: Partial<TokenGrants>): Partial<GrantRow> {
  const row: Partial<Record<GrantColumn, string | number | null>> = {};
  for (const key of GRANT_KEYS) {
    const value = grants[key];
    if (value === undefined) continue;
    const { column, stored } = grantField(key);
    row[column as GrantColumn] = toColumn(stored, value as never);
  }
  // Each column got the type its storage kind maps to (`StoredColumns`), as the table declares.
  return row as Partial<GrantRow>;
}

function grantsOfRow(row: GrantRow): TokenGrants {
  const grants: Record<string, unknown> = {};
  for (const key of GRANT_KEYS) {
    const { column, stored } = grantField(key);
    grants[key] = fromColumn(stored, row[column as GrantColumn] as never);
  }
  // Each field was read by its own storage kind, whose value type its declaration is tied to.
  return grants as TokenGrants;
}

export function toAccessToken(row: Selectable<AccessTokenTable>): AccessToken {
  return {
    id: String(row.id),
    ...grantsOfRow(row),
    secretHash: row.secret_hash,
    sealedSecret: row.sealed_secret,
    displayKey: row.display_key,
    hardcodedType: row.hardcoded_type as HardcodedType | null,
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
