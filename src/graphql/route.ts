/**
 * @module
 * `POST /graphql` and `GET /graphql?query=`: the Content Delivery API, also at `POST /` (where
 * `@datocms/cda-client` posts when its endpoint is the base URL). Authentication runs the same
 * decision as the CMA (layers 1–7 and the CDA rate limit); an auth failure answers with its status
 * and the CMA error envelope, while anything wrong with the query itself answers 200 with
 * `errors[]`, as GraphQL clients expect. A database outage is neither: it answers 503.
 */
import { z } from 'zod';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ApiProblem } from '../core/errors.ts';
import type { Principal } from '../core/model.ts';
import { createDeliveryReader } from '../core/content/delivery.ts';
import type { AppDeps } from '../http/context.ts';
import { includesDrafts, serveEndpoint } from '../http/routing.ts';
import { parseBody, parseQuery } from '../http/jsonapi.ts';
import { jsonBodyParser } from '../http/body.ts';
import { assertJsonDepth } from '../http/json-depth.ts';
import { databaseUnavailable, queryTimeout } from '../http/errors.ts';
import { isDatabaseUnavailable, isQueryTimeout } from '../store/unavailable.ts';
import { formatError } from './format-error.ts';
import { DeliverySchemas } from './cache.ts';
import type { DeliveryContext } from './schema.ts';

/** The query's own size limit (docs/content.md) is checked with the others and answered in `errors[]`. */
const MAX_VARIABLES = 100_000;
const postBody = z
  .object({
    query: z.string().min(1),
    variables: z.record(z.string(), z.unknown()).nullable().optional(),
    operationName: z.string().max(200).nullable().optional(),
    extensions: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();
const getQuery = z
  .object({
    query: z.string().min(1),
    variables: z.string().max(MAX_VARIABLES).optional(),
    operationName: z.string().max(200).optional(),
  })
  .strict();

function parseVariables(text: string | undefined): Record<string, unknown> | undefined {
  if (text === undefined) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    value = undefined; // reported below as one clear parameter error
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new ApiProblem('INVALID_PARAMS', { parameter: 'variables', message: 'variables must be a JSON object' });
  }
  assertJsonDepth(value, { parameter: 'variables' });
  return value as Record<string, unknown>;
}

export function registerGraphqlRoutes(app: FastifyInstance, deps: AppDeps): void {
  const schemas = new DeliverySchemas(deps.store, deps.clock, { recheckMs: 30_000, maxDocuments: 1_000, maxDepth: 12 });
  const unsubscribe = deps.changes.subscribe((change) => {
    if (change.kind === 'schema' || change.kind === 'all') schemas.invalidate();
  });
  app.addHook('onClose', async () => {
    unsubscribe();
  });

  interface Params {
    readonly query: string;
    readonly variables?: Record<string, unknown> | null | undefined;
    readonly operationName?: string | null | undefined;
  }
  // Made once: the context of every request shares it.
  const siteName = async () => (await deps.store.getSite())?.name ?? '';
  const run = async (request: FastifyRequest, reply: FastifyReply, principal: Principal, includeDrafts: boolean, params: Params) => {
    const built = await schemas.current();
    const compiled = schemas.compile(built, params.query);
    reply.header('content-type', 'application/json; charset=utf-8');
    if ('errors' in compiled) return { errors: compiled.errors };
    const contextValue: DeliveryContext = {
      reader: createDeliveryReader(deps.store, principal, includeDrafts),
      siteName,
    };
    const result = await compiled.run({
      contextValue,
      variableValues: params.variables ?? undefined,
      operationName: params.operationName ?? undefined,
    });
    // A resolver that lost the database did not fail the query: the whole request answers 503
    // (retryable, in the envelope) rather than a partial result with the driver's message in it.
    if (result.errors?.some((e) => isDatabaseUnavailable(e.originalError))) throw databaseUnavailable();
    // Likewise a resolver whose statement timed out: 504 QUERY_TIMEOUT, logged with the route.
    if (result.errors?.some((e) => isQueryTimeout(e.originalError))) throw queryTimeout();
    return result.errors
      ? { ...result, errors: result.errors.map((e) => formatError(e, request.id, (err) => request.log.error({ err }, 'graphql execution failed'))) }
      : result;
  };

  // Encapsulated: the official cda-client sends its JSON body without a Content-Type header (fetch
  // then labels it text/plain), so this route reads any body as JSON; the CMA keeps its strict
  // parser. Either way the body limit, the 413 for streaming clients and the depth limit apply.
  app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', jsonBodyParser(scope, deps.bodyLimitBytes));

    // One endpoint, three routes: the guard admits each (drafts need the preview flag), the method picks the parser.
    serveEndpoint(scope, 'cda.query', async (principal, request, reply) => {
      const includeDrafts = includesDrafts(request);
      if (request.method === 'POST') return run(request, reply, principal, includeDrafts, parseBody(postBody, request.body));
      const query = parseQuery(getQuery, request.query);
      return run(request, reply, principal, includeDrafts, {
        query: query.query,
        variables: parseVariables(query.variables),
        operationName: query.operationName ?? null,
      });
    });
  });
}
