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
import type { IssuedToken, TokenGrants, TokenService } from './tokens.ts';
import { assertWebsites } from './content/websites.ts';

export interface AccountTokenRequest {
  readonly name?: string | null | undefined;
  readonly permissions?: readonly string[] | undefined;
  readonly websiteIds?: readonly string[] | undefined;
}

export function accountTokenGrants(caller: Principal, request: AccountTokenRequest): TokenGrants {
  const websiteIds = [...new Set(request.websiteIds ?? [])];
  return {
    // Seed 003 stores an omitted name as null; tokens always have a name, so null is kept as "".
    name: request.name ?? '',
    canAccessCda: caller.token.canAccessCda,
    canAccessCdaPreview: caller.token.canAccessCdaPreview,
    canAccessCma: caller.token.canAccessCma,
    roleId: caller.token.roleId,
    userId: caller.token.userId,
    permissions: request.permissions ?? ['*'],
    // "Empty means all websites available": for a caller limited to some, that is those.
    rootNodeIds: websiteIds.length > 0 ? websiteIds : caller.token.rootNodeIds,
    enabled: true,
    expiresAt: caller.token.expiresAt,
    ipAllowlist: caller.token.ipAllowlist,
    rateLimit: null,
  };
}

export async function createAccountToken(
  deps: { readonly store: Store; readonly tokens: Pick<TokenService, 'create'> },
  caller: Principal,
  request: AccountTokenRequest,
  context: RequestContext,
): Promise<IssuedToken> {
  // Checked inside the token's transaction: a website moved under another item meanwhile cannot
  // become the root node of a token that was only allowed websites.
  return deps.tokens.create(accountTokenGrants(caller, request), caller, context, {
    precheck: (tx) => assertWebsites(tx, request.websiteIds ?? [], caller.token.rootNodeIds),
  });
}
