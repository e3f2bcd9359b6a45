/**
 * @module
 * What the routes are given: the services and the hot-path pieces, built once by the composition
 * root. Routes parse, call a service, serialise; they never decide access themselves (the one
 * admission step in `routing.ts` runs {@link authenticate} before any of them).
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { decide, type Credential, type Decision, type RateLimiter } from '../core/access.ts';
import { ENDPOINTS, type EndpointName } from '../core/endpoints.ts';
import { ApiProblem } from '../core/errors.ts';
import type { Principal, SecretMode } from '../core/model.ts';
import type { Clock, Store } from '../core/ports.ts';
import type { KeyRing } from '../core/secret-box.ts';
import type { TokenDeps } from '../core/tokens.ts';
import type { DirectoryDeps } from '../core/directory.ts';
import type { ItemDeps } from '../core/content/items.ts';
import type { TokenCache } from '../runtime/token-cache.ts';
import type { AccessRecorder } from '../runtime/access-recorder.ts';
import type { ChangeBus } from '../core/changes.ts';
import type { ReadinessProbe } from '../store/readiness.ts';
import { bearerChallenge } from './errors.ts';
import { credentialOf } from './authorization.ts';
import { corsForAllowedOrigins } from './cors.ts';

export interface AppDeps {
  readonly store: Store;
  readonly clock: Clock;
  readonly keyRing: KeyRing;
  readonly secretMode: SecretMode;
  /** What the token use cases need (`core/tokens.ts`). */
  readonly tokens: TokenDeps;
  /** What the role, user and site use cases need (`core/directory.ts`). */
  readonly directory: DirectoryDeps;
  /** What the record use cases need (`core/content/items.ts`, `item-writes.ts`, `item-bulk.ts`). */
  readonly content: ItemDeps;
  readonly cache: TokenCache;
  readonly rateLimiter: RateLimiter;
  readonly recorder: AccessRecorder;
  /** Change events (local and, on PostgreSQL, from other instances): caches beyond tokens listen here. */
  readonly changes: ChangeBus;
  readonly bodyLimitBytes: number;
  /** What `GET /readyz` reports: database reachable, migrations current, change listener connected. */
  readonly readiness: ReadinessProbe;
  readonly trustProxy?: string | undefined;
  /**
   * Replaces the verifying {@link authenticate} step. Production never sets it: there is no config
   * flag or environment variable behind it, only this constructor argument, so that the benchmark
   * can build the very same app with an allow-all step and measure what verification costs.
   */
  readonly authenticator?: Authenticator;
}

export interface AuthenticateOptions {
  readonly includeDrafts?: boolean;
}

/** Turns a request into the principal allowed to call `endpoint`, or throws the denial. */
export type Authenticator = (
  request: FastifyRequest,
  reply: FastifyReply,
  endpoint: EndpointName,
  options: AuthenticateOptions,
) => Principal | Promise<Principal>;

type VerifyDeps = Pick<AppDeps, 'cache' | 'clock' | 'rateLimiter' | 'recorder'>;

/**
 * Layers 1–7 for one Authorization header, without HTTP: the decision, with the access recorded
 * when it is granted. Synchronous on a cache hit, so the common request pays no promise.
 */
export function verify(
  deps: VerifyDeps,
  authorization: string | undefined,
  endpoint: EndpointName,
  clientIp: string,
  includeDrafts = false,
  origin: string | null = null,
): Decision | Promise<Decision> {
  const credential = credentialOf(deps.cache, authorization);
  return credential instanceof Promise
    ? credential.then((resolved) => decideAndRecord(deps, resolved, endpoint, clientIp, includeDrafts, origin))
    : decideAndRecord(deps, credential, endpoint, clientIp, includeDrafts, origin);
}

function decideAndRecord(
  deps: VerifyDeps,
  credential: Credential,
  endpoint: EndpointName,
  clientIp: string,
  includeDrafts: boolean,
  origin: string | null,
): Decision {
  const rule = ENDPOINTS[endpoint];
  const now = deps.clock.now();
  const decision = decide(credential, { rule, includeDrafts, clientIp, origin, now }, deps.rateLimiter);
  if (decision.ok) deps.recorder.record(decision.principal.token.id, rule.surface, now);
  return decision;
}

/** Puts a decision on the reply: rate-limit headers always, the challenge on a 401; throws a denial. */
function admit(decision: Decision, reply: FastifyReply): Principal {
  if (decision.rate) {
    reply.header('x-ratelimit-limit', decision.rate.limit);
    reply.header('x-ratelimit-remaining', decision.rate.remaining);
  }
  if (decision.ok) {
    if (decision.principal.allowedOrigins !== null) corsForAllowedOrigins(reply, true);
    return decision.principal;
  }
  if (decision.details.layer === 'origin') corsForAllowedOrigins(reply, false);
  if (decision.status === 401) reply.header('www-authenticate', bearerChallenge(decision.details.reason));
  if (decision.status === 429 && decision.rate) {
    reply.header('x-ratelimit-reset', decision.rate.resetSeconds);
    reply.header('retry-after', decision.rate.resetSeconds);
  }
  throw new ApiProblem(decision.code, decision.details);
}

/**
 * Layers 1–7 of the access decision for one endpoint, applied to a request. Resolves to the
 * principal, or throws the denial. Sets the rate-limit headers on every authenticated response.
 * Routes never call it: the admission step of `routing.ts` does, for every declared route.
 */
export function authenticate(
  deps: AppDeps,
  request: FastifyRequest,
  reply: FastifyReply,
  endpoint: EndpointName,
  options: AuthenticateOptions = {},
): Principal | Promise<Principal> {
  if (deps.authenticator) return deps.authenticator(request, reply, endpoint, options);
  const decision = verify(deps, request.headers.authorization, endpoint, request.ip, options.includeDrafts ?? false, request.headers.origin ?? null);
  return decision instanceof Promise ? decision.then((d) => admit(d, reply)) : admit(decision, reply);
}
