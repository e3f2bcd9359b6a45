/**
 * @module
 * `/site`: project settings. The secret mode is shown but set only by configuration.
 */
import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import { ApiProblem } from '../../core/errors.ts';
import { getSite, updateSite } from '../../core/directory.ts';
import type { AppDeps } from '../context.ts';
import { serveEndpoint } from '../routing.ts';
import { displayName, NO_PARAMS, parseBody, parseQuery, resourceDocument } from '../jsonapi.ts';
import { serializeSite } from '../serializers.ts';
import { requestContext } from '../request-context.ts';

const attributes = z
  .object({
    name: displayName,
    timezone: z.string().min(1).max(100),
    secret_mode: z.enum(['retrievable', 'once']),
  })
  .partial()
  .strict();
const updateDocument = resourceDocument('site', attributes.optional(), z.object({}).strict());

export function registerSiteRoutes(app: FastifyInstance, deps: AppDeps): void {
  serveEndpoint(app, 'site.find', async (_caller, request) => {
    parseQuery(NO_PARAMS, request.query);
    return { data: serializeSite(await getSite(deps.directory), deps.secretMode) };
  });

  serveEndpoint(app, 'site.update', async (caller, request) => {
    parseQuery(NO_PARAMS, request.query);
    const { data } = parseBody(updateDocument, request.body);
    if (data.attributes?.secret_mode !== undefined && data.attributes.secret_mode !== deps.secretMode) {
      throw new ApiProblem('INVALID_FIELD', { field: 'secret_mode', message: 'The secret mode is read-only; set LATCHKEY_SECRET_MODE' });
    }
    const site = await updateSite(
      deps.directory,
      {
        ...(data.attributes?.name !== undefined ? { name: data.attributes.name } : {}),
        ...(data.attributes?.timezone !== undefined ? { timeZone: data.attributes.timezone } : {}),
      },
      requestContext(request, caller),
    );
    return { data: serializeSite(site, deps.secretMode) };
  });
}
