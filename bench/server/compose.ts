/**
 * @module
 * Benchmark-only compositions of the production app. Each one is `buildApp` with the same routes,
 * hooks and serialisers; only one dependency is swapped, through the composition root's own
 * constructor arguments. None of this is reachable from `latchkey serve`: there is no flag, no
 * environment variable, no route that switches verification off.
 */
import type { FastifyInstance } from 'fastify';
import { buildApp, type RouteRegistrar } from '../../src/http/app.ts';
import type { AppDeps, Authenticator } from '../../src/http/context.ts';
import type { Principal } from '../../src/core/model.ts';
import { AccessRecorder } from '../../src/runtime/access-recorder.ts';

/** "No verification at all": every request is the given principal, nothing is hashed, looked up or decided. */
export function allowAll(principal: Principal): Authenticator {
  return () => principal;
}

/** Last-access tracking switched off: `record` does nothing, reads fall back to the stored values. */
class NoRecorder extends AccessRecorder {
  override record(): void {}
}

export type VariantName = 'verified' | 'open' | 'no-rate-limit' | 'no-last-access';

export function variantDeps(deps: AppDeps, variant: VariantName, principal: Principal): AppDeps {
  switch (variant) {
    case 'verified':
      return deps;
    case 'open':
      return { ...deps, authenticator: allowAll(principal) };
    case 'no-rate-limit':
      return { ...deps, rateLimiter: () => null };
    case 'no-last-access':
      return { ...deps, recorder: new NoRecorder(deps.store) };
  }
}

export function buildVariant(deps: AppDeps, variant: VariantName, principal: Principal, extraRoutes: readonly RouteRegistrar[]): Promise<FastifyInstance> {
  return buildApp(variantDeps(deps, variant, principal), { extraRoutes });
}
