/**
 * @module
 * `POST /graphql` and `GET /graphql?query=`: the Content Delivery API. Authentication runs the same
 * decision as the CMA (layers 1–7 and the CDA rate limit); an auth failure answers with its status
 * and the CMA error envelope, while anything wrong with the query itself answers 200 with
 * `errors[]`, as GraphQL clients expect. A database outage is neither: it answers 503.
 */
import { z } from 'zod';
import { execute, GraphQLError, type ExecutionResult, type GraphQLFormattedError } from 'graphql';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ApiProblem } from '../core/errors.ts';
import type { Principal } from '../core/model.ts';
import { createDeliveryReader } from '../core/content/delivery.ts';
import type { AppDeps } from '../http/context.ts';
import { includesDrafts, serveEndpoint } from '../http/routing.ts';
import { parseBody, parseQuery } from '../http/jsonapi.ts';
import { databaseUnavailable } from '../http/errors.ts';
import { isDatabaseUnavailable } from '../store/unavailable.ts';
import { DeliverySchemas } from './cache.ts';
import type { DeliveryContext } from './schema.ts';

const MAX_QUERY = 100_000;
const postBody = z
  .object({
    query: z.string().min(1).max(MAX_QUERY),
    variables: z.record(z.string(), z.unknown()).nullable().optional(),
    operationName: z.string().max(200).nullable().optional(),
    extensions: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();
const getQuery = z
  .object({
    query: z.string().min(1).max(MAX_QUERY),
    variables: z.string().max(MAX_QUERY).optional(),
    operationName: z.string().max(200).optional(),
  })
  .strict();

function parseVariables(text: string | undefined): Record<string, unknown> | undefined {
  if (text === undefined) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // Reported below as one clear parameter error.
  }
  throw new ApiProblem('INVALID_PARAMS', { parameter: 'variables', message: 'variables must be a JSON object' });
}

function formatError(error: GraphQLError, request: FastifyRequest): GraphQLFormattedError {
  const original = error.originalError;
  if (original instanceof ApiProblem) {
    return { ...error.toJSON(), message: original.message, extensions: { code: original.code, details: original.details } };
  }
  if (original && !(original instanceof GraphQLError)) {
    request.log.error({ err: original }, 'graphql resolver failed');
    return { message: 'Internal error', ...(error.path ? { path: error.path } : {}), extensions: { code: 'INTERNAL_ERROR' } };
  }
  return error.toJSON();
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
  const run = async (request: FastifyRequest, reply: FastifyReply, principal: Principal, includeDrafts: boolean, params: Params) => {
    const built = await schemas.current();
    const compiled = schemas.compile(built, params.query);
    reply.header('content-type', 'application/json; charset=utf-8');
    if ('errors' in compiled) return { errors: compiled.errors.map((e) => e.toJSON()) };
    const contextValue: DeliveryContext = {
      reader: createDeliveryReader(deps.store, principal, includeDrafts),
      siteName: async () => (await deps.store.getSite())?.name ?? '',
    };
    const result: ExecutionResult = await execute({
      schema: built.schema,
      document: compiled.document,
      contextValue,
      variableValues: params.variables ?? undefined,
      operationName: params.operationName ?? undefined,
    });
    // A resolver that lost the database did not fail the query: the whole request answers 503
    // (retryable, in the envelope) rather than a partial result with the driver's message in it.
    if (result.errors?.some((e) => isDatabaseUnavailable(e.originalError))) throw databaseUnavailable();
    return result.errors ? { ...result, errors: result.errors.map((e) => formatError(e, request)) } : result;
  };

  // Encapsulated: the official cda-client sends its JSON body without a Content-Type header (fetch
  // then labels it text/plain), so this route reads any body as JSON; the CMA keeps its strict parser.
  app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => {
      const text = body as string;
      if (text.trim() === '') return done(null, undefined);
      try {
        done(null, JSON.parse(text));
      } catch {
        done(new ApiProblem('INVALID_JSON_BODY', { message: 'The request body is not valid JSON' }), undefined);
      }
    });

    // One endpoint, two routes: the guard admits both (drafts need the preview flag), the method picks the parser.
    serveEndpoint(scope, 'cda.query', async (principal, request, reply) => {
      const includeDrafts = includesDrafts(request);
      if (request.method === 'POST') return run(request, reply, principal, includeDrafts, parseBody(postBody, request.body));
      const query = parseQuery(getQuery, request.query);
      return run(request, reply, principal, includeDrafts, { query: query.query, variables: parseVariables(query.variables), operationName: query.operationName ?? null });
    });
  });
}
