/**
 * @module
 * `GET /access_tokens/:id/check`: what a token may do and, when not, which layer refuses. The
 * answer comes from the same decision function as real requests; nothing is consumed or changed.
 */
import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import { ApiProblem, notFound } from '../../core/errors.ts';
import type { Principal } from '../../core/model.ts';
import { ALL_PERMISSIONS, type Permission } from '../../core/permissions.ts';
import { explainAccess } from '../../core/explain.ts';
import { itemTarget } from '../../core/content/access.ts';
import { creatorRoles } from '../../core/content/items.ts';
import type { AppDeps } from '../context.ts';
import { serveEndpoint } from '../routing.ts';
import { parseQuery } from '../jsonapi.ts';

const checkQuery = z
  .object({
    permission: z.enum(ALL_PERMISSIONS as [Permission, ...Permission[]]),
    surface: z.enum(['cma', 'cda']).default('cma'),
    include_drafts: z.enum(['true', 'false']).default('false'),
    item: z.string().min(1).max(100).optional(),
    ip: z.union([z.ipv4(), z.ipv6()]).optional(),
  })
  .strict();
const idParams = z.object({ id: z.string() });

export function registerAccessCheckRoutes(app: FastifyInstance, deps: AppDeps): void {
  const readableItem = async (caller: Principal, id: string) => {
    try {
      return await deps.content.items.find(caller, id);
    } catch (error) {
      if (error instanceof ApiProblem && error.code === 'INSUFFICIENT_PERMISSIONS') throw notFound('item', id);
      throw error;
    }
  };

  serveEndpoint(app, 'access_tokens.check', async (caller, request, reply) => {
    const { id } = parseQuery(idParams, request.params);
    const query = parseQuery(checkQuery, request.query);
    const token = await deps.store.findToken(id);
    if (!token) throw notFound('access_token', id);
    const principal = await deps.cache.principalFor(token);
    // The record is read as the caller: one it may not read is as unknown as one that does not
    // exist, so the check cannot be used to learn what lies outside the caller's own reach.
    const item = query.item === undefined ? null : await readableItem(caller, query.item);
    const target = item ? itemTarget(principal, item, await creatorRoles(deps.store, principal)) : undefined;
    const answer = explainAccess(principal, {
      permission: query.permission,
      surface: query.surface,
      includeDrafts: query.include_drafts === 'true',
      clientIp: query.ip ?? null,
      now: deps.clock.now(),
      ...(target ? { target } : {}),
    });
    const attributes = item ? { ...answer, details: { ...answer.details, item: item.id, item_type: item.itemTypeId } } : answer;
    return { data: { type: 'access_check' as const, id, attributes } };
  });
}
