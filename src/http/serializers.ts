/**
 * @module
 * JSON:API resource objects in DatoCMS's shape: `type`, `id`, `attributes`, `relationships`
 * (no `links`, no top-level `jsonapi`). Latchkey's extensions are extra attributes and
 * relationships, which the official client passes through untouched.
 */
import { accessBucket } from '../core/last-access.ts';
import type { AccessToken, Principal, Site, User, SecretMode, TokenGrants } from '../core/model.ts';
import { GRANT_KEYS, grantField, type GrantKey } from '../core/grants.ts';
import { openSecret, type KeyRing } from '../core/secret-box.ts';
import { finalPermissions, type Role } from '../core/roles.ts';
import { maskToPermissions } from '../core/permissions.ts';
import type { AccessRecorder } from '../runtime/access-recorder.ts';
import { ref } from './jsonapi.ts';

export interface TokenView {
  readonly caller: Principal;
  readonly keyRing: KeyRing;
  readonly secretMode: SecretMode;
  readonly recorder: AccessRecorder;
  readonly timeZone: string;
  readonly now: number;
  /** Whether the caller already holds everything `token` grants (no escalation by reading a secret). */
  readonly mayReveal: (token: AccessToken) => boolean;
}

/**
 * DatoCMS: `token` is returned to callers whose role can manage tokens and is null for others.
 * In `once` mode the database cannot give it back, so it appears only in the response that
 * minted it (create, rotate). A stored secret is only shown to a caller that holds every right the
 * token grants: otherwise reading it would be an escalation.
 */
function revealedSecret(token: AccessToken, view: TokenView, freshSecret: string | undefined): string | null {
  if (!view.caller.final?.can_manage_access_tokens) return null;
  if (freshSecret !== undefined) return freshSecret;
  if (view.secretMode !== 'retrievable' || token.sealedSecret === null || !view.mayReveal(token)) return null;
  return openSecret(view.keyRing, token.sealedSecret, token.id);
}

export function serializeToken(token: AccessToken, view: TokenView, freshSecret?: string) {
  const lastCma = view.recorder.latest(token.id, 'cma', token.lastCmaAccessAt);
  const lastCda = view.recorder.latest(token.id, 'cda', token.lastCdaAccessAt);
  const bucket = (iso: string | null) => accessBucket(iso === null ? null : Date.parse(iso), view.now, view.timeZone);
  return {
    type: 'access_token' as const,
    id: token.id,
    attributes: {
      ...grantAttributes(token),
      token: revealedSecret(token, view, freshSecret),
      hardcoded_type: token.hardcodedType,
      last_cma_access: bucket(lastCma),
      last_cda_access: bucket(lastCda),
      display_key: token.displayKey,
      created_at: token.createdAt,
      updated_at: token.updatedAt,
      rotated_at: token.rotatedAt,
      last_cma_access_at: lastCma,
      last_cda_access_at: lastCda,
    },
    relationships: grantRelationships(token),
  };
}

/** The grant fields that are attributes, under their API names (`core/grants.ts`). */
function grantAttributes(grants: TokenGrants): Record<string, unknown> {
  const attributes: Record<string, unknown> = {};
  for (const key of GRANT_KEYS) {
    const { api } = grantField(key);
    if (api.kind === 'attribute') attributes[api.name] = grants[key];
  }
  return attributes;
}

/** The grant fields that are relationships: a list of linkages for to-many, one (or null) for to-one. */
function grantRelationships(grants: TokenGrants): Record<string, { data: unknown }> {
  const relationships: Record<string, { data: unknown }> = {};
  for (const key of GRANT_KEYS) {
    const { api } = grantField(key);
    if (api.kind !== 'relationship') continue;
    const value = grants[key] as string | null | readonly string[];
    relationships[api.name] = typeof value === 'string' || value === null ? ref(api.type, value) : { data: value.map((id) => ({ type: api.type, id })) };
  }
  return relationships;
}

export function serializeRole(role: Role, all: readonly Role[]) {
  const byId = new Map(all.map((r) => [r.id, r]));
  return {
    type: 'role' as const,
    id: role.id,
    attributes: { name: role.name, ...role.attributes },
    relationships: {
      inherits_permissions_from: { data: role.inheritsFrom.map((id) => ({ type: 'role' as const, id })) },
    },
    meta: { final_permissions: finalPermissions(role, (id) => byId.get(id)) },
  };
}

export function serializeUser(user: User) {
  return {
    type: 'user' as const,
    id: user.id,
    attributes: {
      email: user.email,
      full_name: user.fullName,
      is_active: user.isActive,
      created_at: user.createdAt,
      updated_at: user.updatedAt,
    },
    relationships: { role: ref('role', user.roleId) },
  };
}

export function serializeSite(site: Site, secretMode: SecretMode) {
  return {
    type: 'site' as const,
    id: '1',
    attributes: {
      name: site.name,
      timezone: site.timeZone,
      secret_mode: secretMode,
      created_at: site.createdAt,
      updated_at: site.updatedAt,
    },
  };
}

/**
 * Grants `effectiveAccess` spells out in a shape of its own (the surfaces as one object, the role
 * and user resolved, permission strings beside their expansion) or not at all (the name is an
 * attribute). Every other grant is a restriction shown as the token holds it, under its API name.
 */
const SHOWN_OTHERWISE = [
  'name',
  'canAccessCda',
  'canAccessCdaPreview',
  'canAccessCma',
  'roleId',
  'userId',
  'permissions',
  'enabled',
] as const satisfies readonly GrantKey[];
const HELD_AS_IS = GRANT_KEYS.filter((key) => !(SHOWN_OTHERWISE as readonly GrantKey[]).includes(key));

/** What a principal may do, spelled out: the meta of `GET /users/me`. */
export function effectiveAccess(principal: Principal) {
  const { token, final } = principal;
  const held: Record<string, unknown> = {};
  for (const key of HELD_AS_IS) held[grantField(key).api.name] = token[key];
  return {
    enabled: token.enabled,
    permission_strings: token.permissions,
    permissions: maskToPermissions(principal.permissionMask),
    surfaces: {
      can_access_cma: token.canAccessCma,
      can_access_cda: token.canAccessCda,
      can_access_cda_preview: token.canAccessCdaPreview,
    },
    role: principal.role ? { id: principal.role.id, name: principal.role.name } : null,
    base_user: principal.user ? { id: principal.user.id, email: principal.user.email, is_active: principal.user.isActive } : null,
    final_permissions: final,
    // root_nodes, expires_at, ip_allowlist, allowed_origins, rate_limit
    ...held,
  };
}
