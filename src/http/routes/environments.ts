/**
 * @module
 * `/environments`: the project's one environment, `main`, in DatoCMS's shape (an id and `meta`,
 * no attributes). Which environment a request acts on is checked for every route in `routing.ts`.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { findEnvironment, listEnvironments, type Environment } from '../../core/environments.ts';
import type { AppDeps } from '../context.ts';
import { serveEndpoint } from '../routing.ts';
import { NO_PARAMS, parseQuery } from '../jsonapi.ts';

const idParams = z.object({ id: z.string() });

export function serializeEnvironment(environment: Environment) {
  return {
    type: 'environment' as const,
    id: environment.id,
    meta: {
      status: environment.status,
      read_only_mode: environment.readOnlyMode,
      created_at: environment.createdAt,
      last_data_change_at: environment.lastDataChangeAt,
      primary: environment.primary,
      forked_from: environment.forkedFrom,
    },
  };
}

export function registerEnvironmentRoutes(app: FastifyInstance, deps: AppDeps): void {
  serveEndpoint(app, 'environments.list', async (_caller, request) => {
    parseQuery(NO_PARAMS, request.query);
    return { data: (await listEnvironments(deps.store)).map(serializeEnvironment) };
  });

  serveEndpoint(app, 'environments.find', async (_caller, request) => {
    parseQuery(NO_PARAMS, request.query);
    const { id } = parseQuery(idParams, request.params);
    return { data: serializeEnvironment(await findEnvironment(deps.store, id)) };
  });
}
