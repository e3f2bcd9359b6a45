/**
 * @module
 * `/api/v1/admin/access-tokens`: the same tokens in the account-token shape of seed 003
 * (datafa.st). A token created here is based on the caller's role (or base user), has the caller's
 * API surfaces, expiry and IP allowlist (it can never be broader than its creator anyway), and its
 * `websiteIds` become its root nodes. The raw `key` appears in the create response only.
 */
import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import type { AccessToken, Principal } from '../../core/model.ts';
import type { TokenGrants } from '../../core/tokens.ts';
import type { AppDeps } from '../context.ts';
import { serveEndpoint } from '../routing.ts';
import { NO_PARAMS, parseBody, parseQuery } from '../jsonapi.ts';
import { requestContext } from '../request-context.ts';
import { accountNotFound, handleAccountError } from '../account-errors.ts';
import { assertWebsites } from '../../core/content/websites.ts';

const createBody = z
  .object({
    name: z.string().trim().max(255).nullable().optional(),
    permissions: z.array(z.string().max(100)).max(100).optional(),
    websiteIds: z.array(z.string().min(1).max(100)).max(100).optional(),
  })
  .strict();
const idParams = z.object({ id: z.string() });

/** Seed 003 stores an omitted name as null; tokens always have a name, so null is kept as "". */
export function accountToken(token: AccessToken, key?: string) {
  return {
    _id: token.id,
    name: token.name === '' ? null : token.name,
    displayKey: token.displayKey,
    scope: 'user' as const,
    permissions: token.permissions,
    websiteIds: token.rootNodeIds,
    ...(key !== undefined ? { key } : {}),
  };
}

function grantsFor(caller: Principal, body: z.infer<typeof createBody>): TokenGrants {
  const websiteIds = [...new Set(body.websiteIds ?? [])];
  return {
    name: body.name ?? '',
    canAccessCda: caller.token.canAccessCda,
    canAccessCdaPreview: caller.token.canAccessCdaPreview,
    canAccessCma: caller.token.canAccessCma,
    roleId: caller.token.roleId,
    userId: caller.token.userId,
    permissions: body.permissions ?? ['*'],
    // "Empty means all websites available": for a caller limited to some, that is those.
    rootNodeIds: websiteIds.length > 0 ? websiteIds : caller.token.rootNodeIds,
    enabled: true,
    expiresAt: caller.token.expiresAt,
    ipAllowlist: caller.token.ipAllowlist,
    rateLimit: null,
  };
}

export function registerAccountTokenRoutes(app: FastifyInstance, deps: AppDeps): void {
  void app.register(
    async (scope) => {
      scope.setErrorHandler(handleAccountError);
      scope.setNotFoundHandler(accountNotFound);

      serveEndpoint(scope, 'account_tokens.list', async (_caller, request, reply) => {
        parseQuery(NO_PARAMS, request.query);
        return { status: 'success', data: (await deps.store.listTokens()).map((t) => accountToken(t)) };
      });

      serveEndpoint(scope, 'account_tokens.create', async (caller, request, reply) => {
        parseQuery(NO_PARAMS, request.query);
        // Every field is optional, so no body at all means all defaults.
        const body = parseBody(createBody, request.body ?? {});
        await assertWebsites(deps.store, body.websiteIds ?? [], caller.token.rootNodeIds);
        const issued = await deps.tokens.create(grantsFor(caller, body), caller, requestContext(request, caller));
        reply.code(201);
        return { status: 'success', data: [accountToken(issued.token, issued.secret)] };
      });

      serveEndpoint(scope, 'account_tokens.destroy', async (caller, request, reply) => {
        parseQuery(NO_PARAMS, request.query);
        const { id } = parseQuery(idParams, request.params);
        const token = await deps.tokens.destroy(id, caller, requestContext(request, caller));
        return { status: 'success', data: [{ ...accountToken(token), message: 'Access token deleted' }] };
      });
    },
    { prefix: '/api/v1/admin' },
  );
}
