/**
 * @module
 * How a caller sees tokens: the project time zone for last-access buckets, and whether it may read
 * each token's stored secret (only when it already holds everything the token grants).
 */
import { effectiveRole, grantExcess, loadDirectory } from '../core/escalation.ts';
import type { Principal } from '../core/model.ts';
import { grantsOf } from '../core/tokens.ts';
import type { AppDeps } from './context.ts';
import type { TokenView } from './serializers.ts';

export async function tokenView(deps: AppDeps, caller: Principal): Promise<TokenView> {
  // Roles and users are only needed when a secret could be shown at all.
  const directory =
    deps.secretMode === 'retrievable' && caller.final?.can_manage_access_tokens ? await loadDirectory(deps.store) : null;
  return {
    caller,
    keyRing: deps.keyRing,
    secretMode: deps.secretMode,
    recorder: deps.recorder,
    timeZone: (await deps.store.getSite())?.timeZone ?? 'UTC',
    now: deps.clock.now(),
    mayReveal: (token) => directory !== null && grantExcess(caller, grantsOf(token), effectiveRole(directory, token)).length === 0,
  };
}
