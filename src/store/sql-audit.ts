/**
 * @module
 * Audit-log queries. Rows are only ever inserted: nothing in Latchkey updates or deletes them.
 */
import { sql, type Kysely } from 'kysely';
import type { AuditLog } from '../core/ports.ts';
import type { ActorType, AuditAction, AuditEvent, SubjectType } from '../core/audit.ts';
import type { SqlContext } from './sql-context.ts';
import { rowId } from './rows.ts';
import type { Database } from './schema.ts';
import type { Dialect } from './sql-context.ts';
import { FALSE, joinOr, subtree } from './read-predicate.ts';

/** The materialised paths of the root items `ids` names (one indexed lookup by id). */
async function rootPathsOf(db: Kysely<Database>, ids: readonly string[]): Promise<string[]> {
  const keys = ids.map(rowId).filter((k): k is number => k !== null);
  if (keys.length === 0) return [];
  const rows = await db.selectFrom('items').select('path').where('id', 'in', keys).execute();
  return rows.map((r) => r.path);
}

/** Ids (as text, like `subject_id`) of the items inside these subtrees: one path-index range per root. */
export function itemsWithin(db: Kysely<Database>, dialect: Dialect, paths: readonly string[]) {
  return db
    .selectFrom('items')
    .select(sql<string>`cast(id as text)`.as('id'))
    .where(paths.length === 0 ? FALSE : joinOr(paths.map((path) => subtree(dialect, path))));
}

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
        // Only record events whose record lies in one of the subtrees (the same path range as
        // content reads, served by the path index). Ids that cannot name a row, or name no item,
        // match nothing; a record deleted since has no path any more, so its events are left out
        // rather than guessed at.
        const inside = itemsWithin(db, ctx.dialect, await rootPathsOf(db, query.withinIds));
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
