/**
 * @module
 * `buildApp(deps)` assembles the HTTP server without listening, so tests drive it with
 * `app.inject()` and the CLI decides where it listens.
 */
import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { ApiProblem } from '../core/errors.ts';
import type { AppDeps } from './context.ts';
import { notFoundHandler } from './errors.ts';
import { jsonBodyParser } from './body.ts';
import { registerCors } from './cors.ts';
import { handleAnyError, handleClientError, handleFrameworkError, refuseInvalidPreflight } from './framework-errors.ts';
import { safeLogger } from './log.ts';
import { guardRoutes } from './routing.ts';
import { registerAccessTokenRoutes } from './routes/access-tokens.ts';
import { registerRoleRoutes } from './routes/roles.ts';
import { registerUserRoutes } from './routes/users.ts';
import { registerSiteRoutes } from './routes/site.ts';
import { registerAuditLogRoutes } from './routes/audit-log.ts';
import { registerAccessCheckRoutes } from './routes/access-check.ts';
import { registerAccountTokenRoutes } from './routes/account-tokens.ts';
import { registerItemTypeRoutes } from './routes/item-types.ts';
import { registerFieldRoutes } from './routes/fields.ts';
import { registerItemRoutes } from './routes/items.ts';
import { registerEnvironmentRoutes } from './routes/environments.ts';
import { registerHealthRoutes } from './routes/health.ts';
import { registerConsoleRoutes } from './console.ts';

export type RouteRegistrar = (app: FastifyInstance, deps: AppDeps) => void;

/** The CMA's resources; later modules append theirs here. */
export const CMA_ROUTES: readonly RouteRegistrar[] = [
  registerAccessTokenRoutes,
  registerRoleRoutes,
  registerUserRoutes,
  registerSiteRoutes,
  registerAuditLogRoutes,
  registerAccessCheckRoutes,
  registerAccountTokenRoutes,
  registerItemTypeRoutes,
  registerFieldRoutes,
  registerItemRoutes,
  registerEnvironmentRoutes,
];

export interface BuildAppOptions {
  readonly logger?: FastifyServerOptions['logger'];
  /** Extra route modules composed in (the GraphQL CDA, benchmark-only variants…). */
  readonly extraRoutes?: readonly RouteRegistrar[];
  /** Where the built web console is (`console/dist` by default). */
  readonly consoleDir?: string;
}

/** `true`, a hop count, or a comma-separated list of proxy addresses/CIDRs. */
function trustProxySetting(value: string | undefined): boolean | string | ((address: string, hop: number) => boolean) {
  if (value === undefined || value === 'false') return false;
  if (value === 'true') return true;
  if (/^\d+$/.test(value)) {
    const hops = Number(value);
    return (_address, hop) => hop < hops;
  }
  return value;
}

/**
 * No query parameter may contain NUL (`%00`): PostgreSQL refuses it in any text parameter, so a
 * filter carrying one would fail in the database instead of being answered as the bad input it is.
 */
function refuseNulInQuery(query: unknown): void {
  for (const [parameter, value] of Object.entries(query as Record<string, unknown>)) {
    if ([value].flat().some((v) => typeof v === 'string' && v.includes('\u0000')) || parameter.includes('\u0000')) {
      throw new ApiProblem('INVALID_PARAMS', { parameter: parameter.replaceAll('\u0000', ''), message: 'Query parameters must not contain the NUL character' });
    }
  }
}

export async function buildApp(deps: AppDeps, options: BuildAppOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    logger: safeLogger(options.logger),
    bodyLimit: deps.bodyLimitBytes,
    trustProxy: trustProxySetting(deps.trustProxy),
    genReqId: () => randomUUID(),
    // Never accept a client-chosen request id: it ends up in logs next to our own.
    requestIdHeader: false,
    return503OnClosing: true,
    // Routing errors and unparseable requests answer in the error envelope too.
    frameworkErrors: handleFrameworkError,
    clientErrorHandler: handleClientError,
  });
  // Before anything registers a route: every route, plugins' included, must declare what it needs.
  guardRoutes(app, deps);

  // Set before any route exists: a route keeps the error handler it was registered under, and
  // CORS registers its OPTIONS route right below.
  app.setErrorHandler(handleAnyError);
  // Before the CORS hook, which answers every OPTIONS that reaches it as a preflight.
  app.addHook('onRequest', refuseInvalidPreflight);
  registerCors(app);

  // Any JSON content type (application/json, application/vnd.api+json…), read by our own parser:
  // it delivers the 413 to clients still sending and refuses over-deep JSON (see body.ts).
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(/^application\/([\w.+-]*\+)?json(;.*)?$/i, jsonBodyParser(app, deps.bodyLimitBytes));

  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
    reply.header('x-api-version', '3');
    reply.header('cache-control', 'no-store');
    const version = request.headers['x-api-version'];
    if (version !== undefined && version !== '3') {
      throw new ApiProblem('INVALID_API_VERSION', { message: 'Only X-Api-Version: 3 is supported' });
    }
    // The API answers JSON only; the console's pages and assets are HTML, scripts and styles.
    const accept = request.headers.accept;
    const consolePath = request.routeOptions.url === '/admin' || request.routeOptions.url?.startsWith('/admin/') === true;
    if (!consolePath && accept !== undefined && accept !== '' && !/json|\*\/\*|application\/\*/i.test(accept)) {
      throw new ApiProblem('INVALID_ACCEPT_HEADER', { message: 'Responses are application/json' });
    }
    refuseNulInQuery(request.query);
  });

  app.setNotFoundHandler(notFoundHandler);
  // Public probes for load balancers, apart from the token-guarded resources.
  registerHealthRoutes(app, deps);
  // The web console's files: public like the probes, a client of the API below like any other.
  registerConsoleRoutes(app, options.consoleDir);
  for (const register of [...CMA_ROUTES, ...(options.extraRoutes ?? [])]) register(app, deps);
  // Loads the plugins registered so far, so that an undeclared route in one of them fails here.
  await app.after();
  return app;
}
