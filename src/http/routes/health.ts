/**
 * @module
 * Probes for load balancers and orchestrators. Public on purpose: they need no token, read no
 * token, and reveal nothing but the names of the checks and their state.
 *
 * - `GET /healthz` (liveness): the process serves HTTP. Always 200 while it does; touches nothing.
 * - `GET /readyz` (readiness): the database answers, migrations are current, and on PostgreSQL
 *   the change listener is connected. 200 when all hold; otherwise 503 `NOT_READY` in the error
 *   envelope with `details.checks`, so a load balancer sends traffic elsewhere until it is back.
 */
import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import { ApiProblem } from '../../core/errors.ts';
import type { AppDeps } from '../context.ts';
import { parseQuery } from '../jsonapi.ts';

const noQuery = z.object({}).strict();

export function registerHealthRoutes(app: FastifyInstance, deps: AppDeps): void {
  app.get('/healthz', async (request) => {
    parseQuery(noQuery, request.query);
    return { status: 'ok' };
  });

  app.get('/readyz', async (request) => {
    parseQuery(noQuery, request.query);
    const { ready, checks } = await deps.readiness();
    if (!ready) throw new ApiProblem('NOT_READY', { message: 'This instance cannot serve every request right now', checks });
    return { status: 'ready', checks };
  });
}
