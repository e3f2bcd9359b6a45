/** The token form's values and the JSON:API document they become; no UI here, so it is testable. */
import { expiresAtFor, type ExpiryPreset } from './expiry.ts';

export interface TokenFormValues {
  name: string;
  basis: 'role' | 'user';
  roleId: string;
  userId: string;
  cda: boolean;
  cdaPreview: boolean;
  cma: boolean;
  permissions: string[];
  rootNodes: string[];
  /** `keep` only when editing: leave `expires_at` as it is. */
  expiry: ExpiryPreset | 'keep';
  customDate: string;
  ipAllowlist: string;
  cmaLimit: string;
  cmaPeriod: string;
  cdaLimit: string;
  cdaPeriod: string;
}

export type BuildResult = { ok: true; document: unknown } | { ok: false; field: 'expires_at' | 'rate_limit' | 'name' | 'role'; message: string };

function policy(limit: string, period: string): { limit: number; period_seconds: number } | null | 'invalid' {
  if (limit.trim() === '' && period.trim() === '') return null;
  const l = Number(limit);
  const p = Number(period);
  if (!Number.isInteger(l) || !Number.isInteger(p) || l < 1 || p < 1 || p > 86_400) return 'invalid';
  return { limit: l, period_seconds: p };
}

export function buildTokenDocument(values: TokenFormValues, now: number, id?: string): BuildResult {
  if (values.name.trim() === '') return { ok: false, field: 'name', message: 'A token needs a name' };
  const basisId = values.basis === 'role' ? values.roleId : values.userId;
  if (basisId === '') return { ok: false, field: 'role', message: values.basis === 'role' ? 'Choose a role' : 'Choose a base user' };
  const attributes: Record<string, unknown> = {
    name: values.name.trim(),
    can_access_cda: values.cda,
    can_access_cda_preview: values.cdaPreview,
    can_access_cma: values.cma,
    permissions: values.permissions,
  };
  if (values.expiry !== 'keep') {
    const expiry = expiresAtFor(values.expiry, values.customDate, now);
    if (!expiry.ok) return { ok: false, field: 'expires_at', message: expiry.message };
    attributes.expires_at = expiry.expiresAt;
  }
  const lines = values.ipAllowlist.split(/[\s,]+/).filter(Boolean);
  attributes.ip_allowlist = lines.length === 0 ? null : lines;
  const cma = policy(values.cmaLimit, values.cmaPeriod);
  const cda = policy(values.cdaLimit, values.cdaPeriod);
  if (cma === 'invalid' || cda === 'invalid') {
    return { ok: false, field: 'rate_limit', message: 'A rate limit needs a whole number of requests and a period of 1–86400 seconds' };
  }
  attributes.rate_limit = cma === null && cda === null ? null : { ...(cma ? { cma } : {}), ...(cda ? { cda } : {}) };
  const relationships = {
    [values.basis]: { data: { type: values.basis, id: basisId } },
    root_nodes: { data: values.rootNodes.map((node) => ({ type: 'item', id: node })) },
  };
  return { ok: true, document: { data: { type: 'access_token', ...(id ? { id } : {}), attributes, relationships } } };
}
