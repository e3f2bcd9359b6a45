/**
 * @module
 * `GET /audit_log_events`: the audit trail, newest first, filtered and paginated.
 */
import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import { AUDIT_ACTIONS, scopedAuditQuery, type AuditEvent, type AuditQuery } from '../../core/audit.ts';
import type { AppDeps } from '../context.ts';
import { serveEndpoint } from '../routing.ts';
import { parseQuery } from '../jsonapi.ts';

export const AUDIT_PAGE_LIMIT = 100;
const SUBJECT_TYPES = ['access_token', 'role', 'user', 'site', 'item_type', 'item'] as const;
const instant = z.iso.datetime({ offset: true }).transform((value) => new Date(value).toISOString());

const listQuery = z
  .object({
    'filter[action]': z.enum(AUDIT_ACTIONS).optional(),
    'filter[actor_id]': z.string().min(1).max(100).optional(),
    'filter[subject_type]': z.enum(SUBJECT_TYPES).optional(),
    'filter[subject_id]': z.string().min(1).max(100).optional(),
    'filter[since]': instant.optional(),
    'filter[until]': instant.optional(),
    'page[offset]': z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER).default(0),
    'page[limit]': z.coerce.number().int().min(1).max(AUDIT_PAGE_LIMIT).default(30),
  })
  .strict();

export function serializeAuditEvent(event: AuditEvent) {
  return {
    type: 'audit_log_event' as const,
    id: event.id,
    attributes: {
      occurred_at: event.occurredAt,
      action: event.action,
      actor_type: event.actorType,
      actor_id: event.actorId,
      subject_type: event.subjectType,
      subject_id: event.subjectId,
      client_ip: event.clientIp,
      request_id: event.requestId,
      changes: event.changes,
    },
  };
}

export function registerAuditLogRoutes(app: FastifyInstance, deps: AppDeps): void {
  serveEndpoint(app, 'audit_log_events.list', async (caller, request) => {
    const q = parseQuery(listQuery, request.query);
    const query: AuditQuery = {
      offset: q['page[offset]'],
      limit: q['page[limit]'],
      ...(q['filter[action]'] !== undefined ? { action: q['filter[action]'] } : {}),
      ...(q['filter[actor_id]'] !== undefined ? { actorId: q['filter[actor_id]'] } : {}),
      ...(q['filter[subject_type]'] !== undefined ? { subjectType: q['filter[subject_type]'] } : {}),
      ...(q['filter[subject_id]'] !== undefined ? { subjectId: q['filter[subject_id]'] } : {}),
      ...(q['filter[since]'] !== undefined ? { since: q['filter[since]'] } : {}),
      ...(q['filter[until]'] !== undefined ? { until: q['filter[until]'] } : {}),
    };
    const page = await deps.store.listAuditEvents(scopedAuditQuery(caller, query));
    return { data: page.events.map(serializeAuditEvent), meta: { total_count: page.totalCount } };
  });
}
