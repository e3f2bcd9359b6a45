/**
 * @module
 * How a caller sees tokens: the project time zone for last-access buckets, and whether it may read
 * each token's stored secret (only when it already holds everything the token grants).
 */
import { effectiveRole, grantExcess, roleExcess } from '../core/escalation.ts';
import { loadDirectoryFor } from '../core/role-closure.ts';
import type { AccessToken, Principal } from '../core/model.ts';
import { grantsOf } from '../core/tokens.ts';
import type { AppDeps } from './context.ts';
import type { TokenView } from './serializers.ts';

/** The view for serialising `tokens`: it reads the roles and users of those tokens only. */
export async function tokenView(deps: AppDeps, caller: Principal, tokens: readonly AccessToken[]): Promise<TokenView> {
  // Roles and users are only needed when a secret could be shown at all.
  const directory = deps.secretMode === 'retrievable' && caller.final?.can_manage_access_tokens ? await loadDirectoryFor(deps.store, tokens) : null;
  // Tokens share a few roles: whether the caller holds a role is decided once per role, not per
  // token (with 100,000 tokens on one role, the role comparison dominated the whole list).
  const roleWithin = new Map<string, boolean>();
  const holdsRoleOf = (token: AccessToken): boolean => {
    if (directory === null) return false;
    const key = token.roleId !== null ? `role:${token.roleId}` : `user:${token.userId ?? ''}`;
    let within = roleWithin.get(key);
    if (within === undefined) {
      const role = effectiveRole(directory, token);
      within = role === null || (caller.final !== null && roleExcess(role, caller.final).length === 0);
      roleWithin.set(key, within);
    }
    return within;
  };
  return {
    caller,
    keyRing: deps.keyRing,
    secretMode: deps.secretMode,
    recorder: deps.recorder,
    timeZone: (await deps.store.getSite())?.timeZone ?? 'UTC',
    now: deps.clock.now(),
    // The role part is checked above; grantExcess without a role checks everything else.
    mayReveal: (token) => holdsRoleOf(token) && grantExcess(caller, grantsOf(token), null).length === 0,
  };
}
