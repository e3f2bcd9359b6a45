/**
 * @module
 * `/api/v1/admin/access-tokens`: the same tokens in the account-token shape of seed 003
 * (datafa.st); what a token created here holds is decided in `core/account-tokens.ts`. The raw
 * `key` appears in the create response only.
 */
import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import type { AccessToken } from '../../core/model.ts';
import type { PageRequest } from '../../core/ports.ts';
import { createAccountToken } from '../../core/account-tokens.ts';
import { destroyToken } from '../../core/tokens.ts';
import type { AppDeps } from '../context.ts';
import { serveEndpoint } from '../routing.ts';
import { NO_PARAMS, parseBody, parseQuery } from '../jsonapi.ts';
import { requestContext } from '../request-context.ts';
import { LIST_PARAMS, listRequest, sendList } from '../lists.ts';
import { accountNotFound, handleAccountError } from '../account-errors.ts';

const createBody = z
  .object({
    // PostgreSQL text cannot hold NUL: refused here rather than failing in the database.
    name: z
      .string()
      .trim()
      .max(255)
      .refine((v) => !v.includes('\u0000'), 'Must not contain the NUL character')
      .nullable()
      .optional(),
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

export function registerAccountTokenRoutes(app: FastifyInstance, deps: AppDeps): void {
  void app.register(
    async (scope) => {
      scope.setErrorHandler(handleAccountError);
      scope.setNotFoundHandler(accountNotFound);

      serveEndpoint(scope, 'account_tokens.list', async (_caller, request, reply) => {
        const list = listRequest(parseQuery(LIST_PARAMS, request.query));
        const source = {
          count: () => deps.store.countTokens(),
          page: (page: PageRequest) => deps.store.pageTokens(page),
          idOf: (token: AccessToken) => token.id,
          serialize: async (tokens: AccessToken[]) => tokens.map((token) => accountToken(token)),
        };
        return sendList(reply, list, source, { status: 'success' });
      });

      serveEndpoint(scope, 'account_tokens.create', async (caller, request, reply) => {
        parseQuery(NO_PARAMS, request.query);
        // Every field is optional, so no body at all means all defaults (a `null` body never gets here).
        const body = parseBody(createBody, request.body ?? {});
        const issued = await createAccountToken(deps, caller, body, requestContext(request, caller));
        reply.code(201);
        return { status: 'success', data: [accountToken(issued.token, issued.secret)] };
      });

      serveEndpoint(scope, 'account_tokens.destroy', async (caller, request) => {
        parseQuery(NO_PARAMS, request.query);
        const { id } = parseQuery(idParams, request.params);
        const token = await destroyToken(deps.tokens, id, caller, requestContext(request, caller));
        return { status: 'success', data: [{ ...accountToken(token), message: 'Access token deleted' }] };
      });
    },
    { prefix: '/api/v1/admin' },
  );
}
