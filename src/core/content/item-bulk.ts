/**
 * @module
 * Bulk record operations (publish, unpublish, destroy up to {@link BULK_MAX} records at once) and
 * the job results they leave, as DatoCMS answers bulk operations with a job.
 */
import { randomBytes } from 'node:crypto';
import { ApiProblem, notFound } from '../errors.ts';
import type { Principal } from '../model.ts';
import type { Clock, Store } from '../ports.ts';
import type { RandomBytes } from '../secret.ts';
import { published, unpublished } from './lifecycle.ts';
import type { Item } from './model.ts';
import type { JobResult } from './ports.ts';
import { creatorRoles, type ItemDeps } from './items.ts';
import { assertMayWrite, publication } from './item-writes.ts';
import { auditEvent, type RequestContext } from '../audit.ts';

/** DatoCMS's cap on the records of one bulk operation. */
export const BULK_MAX = 200;
/** How long a job's result can be read after it finished. */
export const JOB_RESULT_TTL_MS = 60 * 60_000;

export type BulkAction = 'publish' | 'unpublish' | 'destroy';

/** A job's result, for the token that started the job only (anyone else: not found). */
export async function findJobResult(deps: ItemDeps, principal: Principal, id: string): Promise<JobResult> {
  const result = await deps.store.findJobResult(id, iso(deps.clock));
  if (!result || result.ownerTokenId !== principal.token.id) throw notFound('job_result', id);
  return result;
}

/**
 * Publishes, unpublishes or deletes up to {@link BULK_MAX} records at once, all or nothing, in one
 * store transaction: every record is judged by the same decision as its single-record route before
 * anything changes, and the first refusal (naming the record in `details.item_id`) fails the whole
 * operation. Each record is audited as its own route would audit it. The result is stored as a
 * job result (DatoCMS answers bulk operations with a job) and returned.
 */
export function bulkItems(deps: ItemDeps, principal: Principal, action: BulkAction, ids: readonly string[], context: RequestContext): Promise<JobResult> {
  return deps.store.transaction((store) => bulk(store, deps.clock, deps.random ?? systemRandom, principal, action, ids, context));
}

async function bulk(
  store: Store,
  clock: Clock,
  random: RandomBytes,
  principal: Principal,
  action: BulkAction,
  ids: readonly string[],
  context: RequestContext,
): Promise<JobResult> {
  const unique = [...new Set(ids)];
  if (unique.length === 0 || unique.length > BULK_MAX) {
    throw new ApiProblem('INVALID_FIELD', {
      field: 'items',
      code: 'VALIDATION_LENGTH',
      message: `A bulk operation takes from 1 to ${BULK_MAX} records; ${unique.length} were given`,
    });
  }
  const endpoint = action === 'destroy' ? 'items.destroy' : action === 'publish' ? 'items.publish' : 'items.unpublish';
  const items: Item[] = [];
  for (const id of unique) {
    const item = await store.findItem(id);
    if (!item) throw new ApiProblem('NOT_FOUND', { message: `No item with id ${JSON.stringify(id)}`, resource: 'item', id, item_id: id });
    try {
      assertMayWrite(principal, endpoint, item, await creatorRoles(store, principal, item.creator));
    } catch (error) {
      if (error instanceof ApiProblem) throw new ApiProblem(error.code, { ...error.details, item_id: id });
      throw error;
    }
    items.push(item);
  }
  const now = iso(clock);
  if (action === 'destroy') {
    // Deepest first: a parent comes after its children of the same operation, which are gone by then.
    for (const item of [...items].sort((a, b) => b.pathIds.length - a.pathIds.length)) {
      const kept = await store.countItems({ parentId: item.id });
      if (kept > 0) throw new ApiProblem('DELETE_RESTRICTION', { message: 'The item still has children', children: kept, item_id: item.id });
      await store.deleteItem(item.id);
      await store.recordAuditEvent(
        auditEvent(context, now, 'item.destroy', { type: 'item', id: item.id }, { item_type_id: item.itemTypeId, status: item.status }),
      );
    }
  } else {
    for (const item of items) {
      const state = action === 'publish' ? published(item, now) : unpublished(item);
      const updated = (await store.updateItem(item.id, { ...state, updatedAt: now })) ?? item;
      await store.recordAuditEvent(
        auditEvent(context, now, action === 'publish' ? 'item.publish' : 'item.unpublish', { type: 'item', id: item.id }, publication(item, updated)),
      );
    }
  }
  const result: JobResult = {
    id: Buffer.from(random(16)).toString('base64url'),
    ownerTokenId: principal.token.id,
    status: 200,
    payload: { data: [], meta: { successful: items.length, failed: 0 } },
    createdAt: now,
    expiresAt: new Date(clock.now() + JOB_RESULT_TTL_MS).toISOString(),
  };
  await store.saveJobResult(result);
  return result;
}

const systemRandom: RandomBytes = (size) => randomBytes(size);

const iso = (clock: Clock): string => new Date(clock.now()).toISOString();
