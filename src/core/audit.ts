/**
 * @module
 * The audit trail: who changed what, when, from where. The use cases record an event in the same
 * transaction as the change they make, so a change cannot commit without its entry and an entry
 * never names a change that was rolled back. Entries describe what changed but never carry a
 * secret, a secret hash or a ciphertext: an audit reader must not learn a credential.
 */
import type { Principal } from './model.ts';

/** Who made a change: a token over the API, the offline CLI, or the server itself (first start). */
export type ActorType = 'access_token' | 'cli' | 'system';

/**
 * The request facts the core needs for the audit trail, as a small plain object the transport
 * builds (never the transport's request itself).
 */
export interface RequestContext {
  readonly actorType: ActorType;
  readonly actorId: string | null;
  readonly clientIp: string | null;
  readonly requestId: string | null;
}

export const SYSTEM_CONTEXT: RequestContext = Object.freeze({ actorType: 'system', actorId: null, clientIp: null, requestId: null });
export const CLI_CONTEXT: RequestContext = Object.freeze({ actorType: 'cli', actorId: null, clientIp: null, requestId: null });

export const AUDIT_ACTIONS = [
  'access_token.create',
  'access_token.update',
  'access_token.rotate',
  'access_token.enable',
  'access_token.disable',
  'access_token.destroy',
  'role.create',
  'role.update',
  'role.duplicate',
  'role.destroy',
  'user.create',
  'user.update',
  'user.destroy',
  'site.update',
  'item_type.create',
  'item_type.update',
  'item_type.destroy',
  'item_type.duplicate',
  'field.create',
  'field.update',
  'field.destroy',
  'item.publish',
  'item.unpublish',
  'item.destroy',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export type SubjectType = 'access_token' | 'role' | 'user' | 'site' | 'item_type' | 'item';

/** What changed: a snapshot on create/destroy, `{ field: { from, to } }` on update. */
export type AuditChanges = Readonly<Record<string, unknown>>;

export interface NewAuditEvent {
  readonly occurredAt: string;
  readonly actorType: ActorType;
  readonly actorId: string | null;
  readonly action: AuditAction;
  readonly subjectType: SubjectType;
  readonly subjectId: string | null;
  readonly clientIp: string | null;
  readonly requestId: string | null;
  readonly changes: AuditChanges;
}

export interface AuditEvent extends NewAuditEvent {
  readonly id: string;
}

export interface AuditQuery {
  readonly action?: AuditAction;
  readonly actorId?: string;
  readonly subjectType?: SubjectType;
  readonly subjectId?: string;
  /** Inclusive lower bound, ISO-8601 UTC. */
  readonly since?: string;
  /** Exclusive upper bound, ISO-8601 UTC. */
  readonly until?: string;
  /**
   * Root-node scope: only events about records under (or at) one of these ids. Events about
   * anything else (tokens, roles, users, the site, models, records elsewhere) are left out.
   */
  readonly withinIds?: readonly string[];
  readonly offset: number;
  readonly limit: number;
}

export interface AuditPage {
  readonly events: AuditEvent[];
  readonly totalCount: number;
}

/**
 * The audit query a caller may run. A token restricted to root nodes sees only the events about
 * records in its subtrees: token, role, user, site and model events describe the whole project
 * (who holds which rights, who was demoted), which a section-scoped token must not learn. The
 * filter runs in SQL, so pages and `total_count` count only what the caller may see.
 */
export function scopedAuditQuery(caller: Pick<Principal, 'token'>, query: AuditQuery): AuditQuery {
  const roots = caller.token.rootNodeIds;
  return roots.length > 0 ? { ...query, withinIds: roots } : query;
}

/** Builds an event from the request context; the caller supplies the time. */
export function auditEvent(
  context: RequestContext,
  occurredAt: string,
  action: AuditAction,
  subject: { readonly type: SubjectType; readonly id: string | null },
  changes: AuditChanges,
): NewAuditEvent {
  return {
    occurredAt,
    actorType: context.actorType,
    actorId: context.actorId,
    action,
    subjectType: subject.type,
    subjectId: subject.id,
    clientIp: context.clientIp,
    requestId: context.requestId,
    changes,
  };
}

/** `{ field: { from, to } }` for every field whose value differs (compared as JSON). */
export function diff(before: Readonly<Record<string, unknown>>, after: Readonly<Record<string, unknown>>): Record<string, { from: unknown; to: unknown }> {
  const out: Record<string, { from: unknown; to: unknown }> = {};
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    const from = before[key] ?? null;
    const to = after[key] ?? null;
    if (JSON.stringify(from) !== JSON.stringify(to)) out[key] = { from, to };
  }
  return out;
}
