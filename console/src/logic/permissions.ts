/**
 * The permission-string catalogue (docs/permissions.md) and the picker's logic. The catalogue is the
 * server's own (a pure module, built into the bundle), so the picker offers exactly what the server accepts.
 */
import { PERMISSION_CATALOG } from '../../../src/core/permissions.ts';

export const CATALOG: Readonly<Record<string, readonly string[]>> = PERMISSION_CATALOG;

export const RESOURCES = Object.keys(CATALOG);
export const ACTIONS = [...new Set(Object.values(CATALOG).flat())];
export const ALL_PERMISSIONS = RESOURCES.flatMap((resource) => (CATALOG[resource] ?? []).map((action) => `${resource}:${action}`));

/** The concrete permissions one string covers; empty when it covers none (the server refuses those). */
export function expand(value: string): string[] {
  const match = /^([a-z-]+|\*):([a-z]+|\*)$/.exec(value);
  if (value === '*') return [...ALL_PERMISSIONS];
  if (!match) return [];
  const [, resource, action] = match as unknown as [string, string, string];
  return ALL_PERMISSIONS.filter((permission) => {
    const [r, a] = permission.split(':') as [string, string];
    return (resource === '*' || resource === r) && (action === '*' || action === a);
  });
}

export function isValidString(value: string): boolean {
  return expand(value).length > 0;
}

export function expandAll(values: readonly string[]): Set<string> {
  return new Set(values.flatMap(expand));
}

/**
 * Toggling one concrete permission. Wildcards that cover it are replaced by what they covered minus
 * it, so unticking `content:delete` under `content:*` leaves the other content actions.
 */
export function togglePermission(selected: readonly string[], permission: string): string[] {
  const covering = selected.filter((value) => expand(value).includes(permission));
  if (covering.length === 0) return normalise([...selected, permission]);
  const kept = selected.filter((value) => !covering.includes(value));
  const remaining = [...expandAll(covering)].filter((p) => p !== permission && !expandAll(kept).has(p));
  return normalise([...kept, ...remaining]);
}

/** Adding a typed string (wildcards allowed); unknown strings are refused here as the server would. */
export function addString(selected: readonly string[], value: string): { ok: true; value: string[] } | { ok: false; message: string } {
  const trimmed = value.trim();
  if (!isValidString(trimmed)) return { ok: false, message: `"${trimmed}" covers no permission of the catalogue` };
  return { ok: true, value: normalise([...selected, trimmed]) };
}

/**
 * Collapses to the shortest equivalent list: everything → `*`, a whole resource → `resource:*`,
 * and drops strings another string already covers.
 */
export function normalise(values: readonly string[]): string[] {
  const covered = expandAll(values);
  if (covered.size === ALL_PERMISSIONS.length) return ['*'];
  const out: string[] = [];
  for (const resource of RESOURCES) {
    const actions = CATALOG[resource] ?? [];
    if (actions.length > 1 && actions.every((a) => covered.has(`${resource}:${a}`))) out.push(`${resource}:*`);
  }
  const wildcardCovered = expandAll(out);
  const rest = values.filter((v) => !out.includes(v) && v !== '*' && !/:\*$/.test(v));
  for (const value of rest) {
    if (expand(value).every((p) => wildcardCovered.has(p))) continue;
    if (!out.includes(value)) out.push(value);
  }
  // Concrete permissions still covered by an action wildcard such as `*:read` stay in that form.
  for (const p of ALL_PERMISSIONS) {
    if (covered.has(p) && !expandAll(out).has(p)) out.push(p);
  }
  // A string another one covers says nothing more; of two equivalent strings the first stays.
  return out.filter((value, i) => !out.some((other, j) => j !== i && covers(other, value) && (j < i || !covers(value, other))));
}

function covers(wider: string, narrower: string): boolean {
  const w = new Set(expand(wider));
  return expand(narrower).every((p) => w.has(p));
}

/** Whether a holder of `own` permission strings may grant `permission`: a picker greys out the rest. */
export function mayGrant(own: readonly string[], permission: string): boolean {
  return expandAll(own).has(permission);
}
