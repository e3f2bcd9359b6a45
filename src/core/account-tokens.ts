/**
 * @module
 * Creating a token through the account-token API (seed 003, datafa.st). The request names only a
 * name, permission strings and websites; everything else comes from the caller: its role (or base
 * user), API surfaces, expiry and IP allowlist, so such a token is never broader than its creator
 * (the token service checks that too). `websiteIds` become the token's root nodes.
 */
import type { RequestContext } from './audit.ts';
import type { Principal } from './model.ts';
import type { Store } from './ports.ts';
import { createToken, type IssuedToken, type TokenDeps, type TokenGrants } from './tokens.ts';
import { accountTokenGrants as grantsForAccountToken, type AccountTokenRequest } from './grants.ts';
import { assertWebsites } from './content/websites.ts';

export type { AccountTokenRequest } from './grants.ts';

/** Each field as its declaration in `grants.ts` says: the request's, a fixed value, or the caller's. */
export function accountTokenGrants(caller: Principal, request: AccountTokenRequest): TokenGrants {
  return grantsForAccountToken(caller, request);
}

export async function createAccountToken(
  deps: { readonly store: Store; readonly tokens: TokenDeps },
  caller: Principal,
  request: AccountTokenRequest,
  context: RequestContext,
): Promise<IssuedToken> {
  // Checked inside the token's transaction: a website moved under another item meanwhile cannot
  // become the root node of a token that was only allowed websites.
  return createToken(deps.tokens, accountTokenGrants(caller, request), caller, context, {
    precheck: (tx) => assertWebsites(tx, request.websiteIds ?? [], caller.token.rootNodeIds),
  });
}
