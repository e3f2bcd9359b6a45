/**
 * @module
 * Explaining access for an operator debugging a least-privilege setup: "may token T do permission
 * P (on item I), and if not, which layer says no?". It asks the very same {@link decide} the
 * requests go through, so the answer cannot drift from what a real request would get. Layers 1–2
 * always pass (the token is named by id, not by secret) and the rate limit is never consumed.
 */
import { decide, type ItemTarget, type Layer } from './access.ts';
import { ENDPOINTS, type EndpointRule } from './endpoints.ts';
import type { Permission } from './permissions.ts';
import type { ContentAction, EnforcedFlag } from './roles.ts';
import type { Principal, Surface } from './model.ts';
import { RESTRICTIONS } from './restrictions/index.ts';
import type { CheckFacts } from './restrictions/restriction.ts';

export interface AccessCheck {
  readonly permission: Permission;
  readonly surface: Surface;
  readonly includeDrafts: boolean;
  /** null: the IP allowlist is not evaluated (the answer says so). */
  readonly clientIp: string | null;
  /** The browser origin to check against the token's allowed origins; null: none (as for a server). */
  readonly origin?: string | null | undefined;
  readonly target?: ItemTarget;
  readonly now: number;
}

export interface CheckAnswer {
  readonly allowed: boolean;
  readonly layer: Layer | null;
  readonly reason: string | null;
  readonly details: Readonly<Record<string, unknown>>;
}

/**
 * The role flag the endpoint table attaches to a permission (e.g. `api-keys:write` →
 * `can_manage_access_tokens`), so the check applies what the endpoints needing it apply.
 */
export function roleFlagFor(permission: Permission): EnforcedFlag | undefined {
  const rules: readonly EndpointRule[] = Object.values(ENDPOINTS);
  return rules.find((rule) => rule.permission === permission && rule.roleFlag !== undefined)?.roleFlag;
}

/** `content:<action>` maps onto the role's record action; reading drafts is reading. */
export function contentActionFor(permission: Permission): ContentAction | undefined {
  const [resource, action] = permission.split(':') as [string, string];
  if (resource !== 'content') return undefined;
  return action === 'preview' ? 'read' : (action as ContentAction);
}

export function ruleFor(permission: Permission, surface: Surface): EndpointRule {
  const roleFlag = roleFlagFor(permission);
  const content = contentActionFor(permission);
  return {
    surface,
    permission,
    description: `check ${permission}`,
    ...(roleFlag ? { roleFlag } : {}),
    ...(content ? { content } : {}),
  };
}

export function explainAccess(principal: Principal, check: AccessCheck): CheckAnswer {
  const rule = ruleFor(check.permission, check.surface);
  const facts: CheckFacts = { clientIp: check.clientIp, origin: check.origin ?? null };
  // A restriction that cannot be evaluated from these facts (no address: the IP allowlist) is left
  // out of the decision rather than failing it; its explanation says so.
  const applied = RESTRICTIONS.filter((restriction) => !restriction.skipInCheck?.(facts));
  const decision = decide(
    { kind: 'found', principal },
    {
      rule,
      includeDrafts: check.includeDrafts,
      clientIp: check.clientIp,
      origin: facts.origin,
      now: check.now,
      ...(check.target ? { target: check.target } : {}),
    },
    () => null,
    applied,
  );
  const context: Record<string, unknown> = {
    permission: check.permission,
    surface: check.surface,
    include_drafts: check.includeDrafts,
    role_flag: rule.roleFlag ?? null,
    content_action: check.target ? (rule.content ?? null) : null,
  };
  for (const restriction of RESTRICTIONS) if (restriction.explain) Object.assign(context, restriction.explain(principal, facts));
  if (decision.ok) return { allowed: true, layer: null, reason: null, details: context };
  const { layer, reason, ...rest } = decision.details;
  return { allowed: false, layer, reason, details: { ...context, ...rest, status: decision.status, code: decision.code } };
}

export interface EndpointAccess {
  readonly allowed: string[];
  readonly denied: Record<string, { readonly layer: Layer; readonly reason: string }>;
}

/**
 * Every endpoint of the table, answered for this principal from where it stands now (layers 3–7;
 * per-record scope depends on the record and is applied when one is named).
 */
export function endpointAccess(principal: Principal, now: number, clientIp: string | null): EndpointAccess {
  const result: EndpointAccess = { allowed: [], denied: {} };
  for (const [name, rule] of Object.entries(ENDPOINTS) as [string, EndpointRule][]) {
    const decision = decide({ kind: 'found', principal }, { rule, includeDrafts: false, clientIp, now }, () => null);
    if (decision.ok) result.allowed.push(name);
    else result.denied[name] = { layer: decision.details.layer, reason: decision.details.reason };
  }
  return result;
}
