/**
 * @module
 * Every route is declared with its endpoint of `ENDPOINTS` (or is one of the `PUBLIC_ROUTES`), and
 * access is decided here, once, for all of them: an `onRoute` hook gives each declared route the
 * admission step (layers 1–7 of the access decision) as its first `preHandler`, and refuses to
 * register a route that declares nothing. A new route therefore cannot be open by omission: it
 * is either guarded or the server does not start.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest, HookHandlerDoneFunction, RouteOptions } from 'fastify';
import { ENDPOINTS, PUBLIC_ROUTES, type EndpointName } from '../core/endpoints.ts';
import { ApiProblem } from '../core/errors.ts';
import { checkEnvironmentHeader } from '../core/environments.ts';
import type { Principal } from '../core/model.ts';
import { authenticate, type AppDeps } from './context.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The entry of `ENDPOINTS` this route serves; set by {@link serveEndpoint}. */
    readonly endpoint?: EndpointName;
  }
}

/** What a route handler is given: the admitted caller, already allowed to call its endpoint. */
export type EndpointHandler = (caller: Principal, request: FastifyRequest, reply: FastifyReply) => unknown;

interface Admission {
  readonly principal: Principal;
  readonly includeDrafts: boolean;
}

const admissions = new WeakMap<FastifyRequest, Admission>();

/** Registers `handler` on every route of the endpoint, with method and path from the table. */
export function serveEndpoint(app: FastifyInstance, name: EndpointName, handler: EndpointHandler): void {
  for (const { method, path } of ENDPOINTS[name].routes) {
    if (!path.startsWith(app.prefix)) throw new Error(`${name}: ${path} lies outside the plugin prefix ${app.prefix}`);
    app.route({
      method,
      url: path.slice(app.prefix.length),
      config: { endpoint: name },
      handler: (request, reply) => handler(admissionOf(request).principal, request, reply),
    });
  }
}

/** Whether the admitted CDA request asked for drafts (`X-Include-Drafts: true`). */
export function includesDrafts(request: FastifyRequest): boolean {
  return admissionOf(request).includeDrafts;
}

function admissionOf(request: FastifyRequest): Admission {
  const admission = admissions.get(request);
  // Unreachable while every endpoint route gets the admission step; failing closed if it ever is.
  if (!admission) throw new Error(`${request.method} ${request.routeOptions.url ?? ''} was not admitted`);
  return admission;
}

/** DatoCMS: the header may be absent, and when present it must say `true`. */
function includeDraftsOf(request: FastifyRequest): boolean {
  const header = request.headers['x-include-drafts'];
  if (header === undefined) return false;
  if (header === 'true') return true;
  throw new ApiProblem('INVALID_X_INCLUDE_DRAFTS_HEADER', { message: 'X-Include-Drafts header can only be set to `true`' });
}

/**
 * Every body Latchkey accepts is a JSON object: `null`, an array or a scalar is refused here,
 * before any handler could read a missing member as "use the default" (a `null` body once created
 * a `["*"]` token through the account-token API).
 */
function bodyProblem(request: FastifyRequest): ApiProblem | undefined {
  const body: unknown = request.body;
  if (body === undefined || (typeof body === 'object' && body !== null && !Array.isArray(body))) return undefined;
  return new ApiProblem('INVALID_FORMAT', { pointer: '', message: 'The request body must be a JSON object' });
}

function admissionStep(deps: AppDeps, name: EndpointName) {
  const cda = ENDPOINTS[name].surface === 'cda';
  const admit = (request: FastifyRequest, principal: Principal, includeDrafts: boolean, done: HookHandlerDoneFunction) => {
    admissions.set(request, { principal, includeDrafts });
    done(bodyProblem(request));
  };
  // Callback style: on a token-cache hit the decision is synchronous and the request pays no promise.
  return function admission(request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction): void {
    let includeDrafts: boolean;
    let outcome: Principal | Promise<Principal>;
    try {
      // Before the decision and any handler: a request aimed at another environment (a sandbox
      // the project does not have) must not act on, or read, the primary one.
      checkEnvironmentHeader(request.headers['x-environment']);
      includeDrafts = cda ? includeDraftsOf(request) : false;
      outcome = authenticate(deps, request, reply, name, { includeDrafts });
    } catch (error) {
      done(error as Error);
      return;
    }
    if (outcome instanceof Promise) outcome.then((principal) => admit(request, principal, includeDrafts, done), done);
    else admit(request, outcome, includeDrafts, done);
  };
}

/** One registered route as the guard saw it; HEAD routes Fastify derives from GET routes included. */
export interface RegisteredRoute {
  readonly method: string;
  readonly path: string;
  readonly endpoint: EndpointName | null;
}

const registered = new WeakMap<FastifyInstance, RegisteredRoute[]>();

/** The routes registered on an app built with {@link guardRoutes}, for tests and docs checks. */
export function registeredRoutes(app: FastifyInstance): readonly RegisteredRoute[] {
  return registered.get(app) ?? [];
}

const methodsOf = (route: RouteOptions): string[] => (Array.isArray(route.method) ? [...route.method] : [route.method as string]);

/** HEAD is what Fastify derives from a GET route, so it is declared by that GET. */
const asDeclared = (method: string) => (method === 'HEAD' ? 'GET' : method);

function isPublic(method: string, path: string): boolean {
  return PUBLIC_ROUTES.some((route) => route.method === asDeclared(method) && route.path === path);
}

function declares(name: EndpointName, method: string, path: string): boolean {
  return ENDPOINTS[name].routes.some((route) => route.method === asDeclared(method) && route.path === path);
}

/**
 * Installs the guard on `app`. Must run before any route is registered: Fastify applies `onRoute`
 * hooks to the routes registered after them, in this instance and the plugins below it.
 */
export function guardRoutes(app: FastifyInstance, deps: AppDeps): void {
  const seen: RegisteredRoute[] = [];
  registered.set(app, seen);
  app.addHook('onRoute', (route) => {
    const name = route.config?.endpoint;
    for (const method of methodsOf(route)) {
      const declared = name === undefined ? isPublic(method, route.url) : name in ENDPOINTS && declares(name, method, route.url);
      if (!declared) {
        throw new Error(
          name === undefined
            ? `${method} ${route.url} declares no endpoint and is not a public route`
            : `${method} ${route.url} is not a route of the endpoint ${String(name)}`,
        );
      }
      seen.push({ method, path: route.url, endpoint: name ?? null });
    }
    if (name === undefined) return;
    const existing = route.preHandler === undefined ? [] : Array.isArray(route.preHandler) ? route.preHandler : [route.preHandler];
    route.preHandler = [admissionStep(deps, name), ...existing];
  });
}
