/**
 * @module
 * `GET /access_tokens/:id/check`: what a token may do and, when not, which layer refuses (the use
 * case is `core/access-check.ts`).
 */
import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import { ALL_PERMISSIONS, type Permission } from '../../core/permissions.ts';
import { checkTokenAccess, type AccessCheckDeps } from '../../core/access-check.ts';
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
    origin: z.string().min(1).max(300).optional(),
  })
  .strict();
const idParams = z.object({ id: z.string() });

export function registerAccessCheckRoutes(app: FastifyInstance, deps: AppDeps): void {
  const checkDeps: AccessCheckDeps = {
    store: deps.store,
    clock: deps.clock,
    principalFor: (token) => deps.cache.principalFor(token),
  };

  serveEndpoint(app, 'access_tokens.check', async (caller, request) => {
    const { id } = parseQuery(idParams, request.params);
    const query = parseQuery(checkQuery, request.query);
    const attributes = await checkTokenAccess(checkDeps, caller, id, {
      permission: query.permission,
      surface: query.surface,
      includeDrafts: query.include_drafts === 'true',
      clientIp: query.ip ?? null,
      origin: query.origin ?? null,
      itemId: query.item,
    });
    return { data: { type: 'access_check' as const, id, attributes } };
  });
}
