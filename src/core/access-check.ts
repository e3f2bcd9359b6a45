/**
 * @module
 * The use case behind `GET /access_tokens/:id/check`: what token T may do (on record I), answered
 * by {@link explainAccess}, i.e. by the same decision real requests get. Nothing is consumed or
 * changed. The record is read as the caller: one it may not read is as unknown as one that does
 * not exist, so the check cannot be used to learn what lies outside the caller's own reach.
 */
import { ApiProblem, notFound } from './errors.ts';
import { explainAccess, type CheckAnswer } from './explain.ts';
import type { AccessToken, Principal, Surface } from './model.ts';
import type { Permission } from './permissions.ts';
import type { Clock, Store } from './ports.ts';
import { itemTarget } from './content/access.ts';
import { creatorRoles, findItem } from './content/items.ts';

export interface TokenAccessQuery {
  readonly permission: Permission;
  readonly surface: Surface;
  readonly includeDrafts: boolean;
  /** null: the IP allowlist is not evaluated. */
  readonly clientIp: string | null;
  /** The browser origin to check against the token's allowed origins; null: none. */
  readonly origin?: string | null | undefined;
  readonly itemId?: string | undefined;
}

export interface AccessCheckDeps {
  readonly store: Store;
  readonly clock: Clock;
  /** The token as the hot path sees it (role, user, final permissions). */
  readonly principalFor: (token: AccessToken) => Promise<Principal>;
}

export async function checkTokenAccess(deps: AccessCheckDeps, caller: Principal, tokenId: string, query: TokenAccessQuery): Promise<CheckAnswer> {
  const token = await deps.store.findToken(tokenId);
  if (!token) throw notFound('access_token', tokenId);
  const principal = await deps.principalFor(token);
  const item = query.itemId === undefined ? null : await readableItem(deps, caller, query.itemId);
  const target = item ? itemTarget(principal, item, await creatorRoles(deps.store, principal, item.creator)) : undefined;
  const answer = explainAccess(principal, {
    permission: query.permission,
    surface: query.surface,
    includeDrafts: query.includeDrafts,
    clientIp: query.clientIp,
    origin: query.origin ?? null,
    now: deps.clock.now(),
    ...(target ? { target } : {}),
  });
  return item ? { ...answer, details: { ...answer.details, item: item.id, item_type: item.itemTypeId } } : answer;
}

/** The record as the caller may read it; one it may not read is reported as not found. */
async function readableItem(deps: AccessCheckDeps, caller: Principal, id: string) {
  try {
    return await findItem(deps, caller, id);
  } catch (error) {
    if (error instanceof ApiProblem && error.code === 'INSUFFICIENT_PERMISSIONS') throw notFound('item', id);
    throw error;
  }
}
