/**
 * @module
 * Audit-log queries. Rows are only ever inserted: nothing in Latchkey updates or deletes them.
 */
import { sql } from 'kysely';
import type { AuditLog } from '../core/ports.ts';
import type { ActorType, AuditAction, AuditEvent, SubjectType } from '../core/audit.ts';
import type { SqlContext } from './sql-context.ts';
import { rowId } from './rows.ts';

export function auditQueries(ctx: SqlContext): AuditLog {
  const { db } = ctx;
  return {
    async recordAuditEvent(event) {
      await db
        .insertInto('audit_log_events')
        .values({
          occurred_at: event.occurredAt,
          actor_type: event.actorType,
          actor_id: event.actorId,
          action: event.action,
          subject_type: event.subjectType,
          subject_id: event.subjectId,
          client_ip: event.clientIp,
          request_id: event.requestId,
          changes: JSON.stringify(event.changes),
        })
        .execute();
    },

    async listAuditEvents(query) {
      let filtered = db.selectFrom('audit_log_events');
      if (query.action !== undefined) filtered = filtered.where('action', '=', query.action);
      if (query.actorId !== undefined) filtered = filtered.where('actor_id', '=', query.actorId);
      if (query.subjectType !== undefined) filtered = filtered.where('subject_type', '=', query.subjectType);
      if (query.subjectId !== undefined) filtered = filtered.where('subject_id', '=', query.subjectId);
      // ISO-8601 UTC strings of one fixed format compare like the instants they name.
      if (query.since !== undefined) filtered = filtered.where('occurred_at', '>=', query.since);
      if (query.until !== undefined) filtered = filtered.where('occurred_at', '<', query.until);
      if (query.withinIds !== undefined) {
        // Only record events whose record lies in one of the subtrees (the same materialised-path
        // match as item lists). Ids that cannot name a row match nothing; a record deleted since
        // has no path any more, so its events are left out rather than guessed at.
        const roots = query.withinIds.map(rowId).filter((k): k is number => k !== null);
        const inside = db
          .selectFrom('items')
          .select(sql<string>`cast(id as text)`.as('id'))
          .where((eb) => (roots.length === 0 ? sql<boolean>`1 = 0` : eb.or(roots.map((k) => eb('path', 'like', `%/${k}/%`)))));
        filtered = filtered.where('subject_type', '=', 'item').where('subject_id', 'in', inside);
      }
      const total = await filtered.select(sql<number>`count(*)`.as('n')).executeTakeFirst();
      const rows = await filtered.selectAll().orderBy('id', 'desc').limit(query.limit).offset(query.offset).execute();
      const events: AuditEvent[] = rows.map((row) => ({
        id: String(row.id),
        occurredAt: row.occurred_at,
        actorType: row.actor_type as ActorType,
        actorId: row.actor_id,
        action: row.action as AuditAction,
        subjectType: row.subject_type as SubjectType,
        subjectId: row.subject_id,
        clientIp: row.client_ip,
        requestId: row.request_id,
        changes: JSON.parse(row.changes) as Record<string, unknown>,
      }));
      return { events, totalCount: Number(total?.n ?? 0) };
    },
  };
}
