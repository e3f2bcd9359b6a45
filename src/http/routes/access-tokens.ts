/**
 * @module
 * `/access_tokens`: DatoCMS-compatible token management.
 */
import { z } from 'zod';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { newTokenGrants, type AccessToken, type Principal } from '../../core/model.ts';
import type { TokenGrants, TokenUpdate } from '../../core/tokens.ts';
import { ApiProblem } from '../../core/errors.ts';
import type { AppDeps } from '../context.ts';
import { serveEndpoint } from '../routing.ts';
import { displayName, NO_PARAMS, parseBody, parseQuery, resourceDocument, toMany, toOneNullable } from '../jsonapi.ts';
import { serializeToken } from '../serializers.ts';
import { tokenView } from '../token-view.ts';
import { LIST_PARAMS, listRequest, sendList } from '../lists.ts';
import { requestContext } from '../request-context.ts';

const ratePolicy = z.object({ limit: z.number().int().min(1).max(1_000_000), period_seconds: z.number().int().min(1).max(86_400) }).strict();
export const rateLimitSchema = z.object({ cma: ratePolicy.optional(), cda: ratePolicy.optional() }).strict();

const extensions = {
  permissions: z.array(z.string().max(100)).max(100).optional(),
  enabled: z.boolean().optional(),
  expires_at: z.iso.datetime({ offset: true }).nullable().optional(),
  ip_allowlist: z.array(z.string().max(100)).max(100).nullable().optional(),
  rate_limit: rateLimitSchema.nullable().optional(),
};
const surfaces = {
  name: displayName(),
  can_access_cda: z.boolean(),
  can_access_cda_preview: z.boolean(),
  can_access_cma: z.boolean(),
};
const relationships = z
  .object({ role: toOneNullable('role').optional(), user: toOneNullable('user').optional(), root_nodes: toMany('item').optional() })
  .strict();

const createDocument = resourceDocument('access_token', z.object({ ...surfaces, ...extensions }).strict(), relationships);
const updateDocument = resourceDocument('access_token', z.object({ ...surfaces, ...extensions }).partial().strict().optional(), relationships);
const idParams = z.object({ id: z.string() });
const rotateQuery = z.object({ grace_period: z.coerce.number().int().min(0).max(30 * 86_400).optional() }).strict();
const destroyQuery = z
  .object({
    destination_user_type: z.enum(['account', 'organization', 'user', 'access_token', 'sso_user']).optional(),
    destination_user_id: z.string().min(1).optional(),
  })
  .strict();

type Attributes = z.infer<typeof createDocument>['data']['attributes'];
type Relationships = z.infer<typeof relationships>;

function toUpdate(attributes: Partial<Attributes> | undefined, rels: Relationships | undefined): TokenUpdate {
  const a = attributes ?? {};
  const update: { -readonly [K in keyof TokenUpdate]: TokenUpdate[K] } = {};
  if (a.name !== undefined) update.name = a.name;
  if (a.can_access_cda !== undefined) update.canAccessCda = a.can_access_cda;
  if (a.can_access_cda_preview !== undefined) update.canAccessCdaPreview = a.can_access_cda_preview;
  if (a.can_access_cma !== undefined) update.canAccessCma = a.can_access_cma;
  if (a.permissions !== undefined) update.permissions = a.permissions;
  if (a.enabled !== undefined) update.enabled = a.enabled;
  if (a.expires_at !== undefined) update.expiresAt = a.expires_at === null ? null : new Date(a.expires_at).toISOString();
  if (a.ip_allowlist !== undefined) update.ipAllowlist = a.ip_allowlist;
  if (a.rate_limit !== undefined) update.rateLimit = a.rate_limit;
  // A token is based on exactly one of a role or a user: naming one replaces the other.
  if (rels?.role !== undefined) {
    update.roleId = rels.role.data?.id ?? null;
    if (rels.user === undefined && update.roleId !== null) update.userId = null;
  }
  if (rels?.user !== undefined) {
    update.userId = rels.user.data?.id ?? null;
    if (rels.role === undefined && update.userId !== null) update.roleId = null;
  }
  if (rels?.root_nodes !== undefined) update.rootNodeIds = rels.root_nodes.data.map((r) => r.id);
  return update;
}

function toGrants(attributes: Attributes, rels: Relationships | undefined): TokenGrants {
  const { name, can_access_cda, can_access_cda_preview, can_access_cma } = attributes;
  return newTokenGrants({
    name,
    canAccessCda: can_access_cda,
    canAccessCdaPreview: can_access_cda_preview,
    canAccessCma: can_access_cma,
    ...toUpdate(attributes, rels),
  });
}

export function registerAccessTokenRoutes(app: FastifyInstance, deps: AppDeps): void {
  const one = async (caller: Principal, token: AccessToken, freshSecret?: string) => ({
    data: serializeToken(token, await tokenView(deps, caller, [token]), freshSecret),
  });
  const idOf = (request: FastifyRequest) => parseQuery(idParams, request.params).id;

  serveEndpoint(app, 'access_tokens.list', async (caller, request, reply) => {
    const list = listRequest(parseQuery(LIST_PARAMS, request.query));
    return sendList(reply, list, {
      count: () => deps.store.countTokens(),
      page: (page) => deps.store.pageTokens(page),
      idOf: (token) => token.id,
      async serialize(tokens) {
        const view = await tokenView(deps, caller, tokens);
        return tokens.map((token) => serializeToken(token, view));
      },
    });
  });

  serveEndpoint(app, 'access_tokens.find', async (caller, request) => {
    parseQuery(NO_PARAMS, request.query);
    const id = idOf(request);
    const token = await deps.store.findToken(id);
    if (!token) throw new ApiProblem('NOT_FOUND', { message: `No access_token with id ${JSON.stringify(id)}` });
    return one(caller, token);
  });

  serveEndpoint(app, 'access_tokens.create', async (caller, request, reply) => {
    parseQuery(NO_PARAMS, request.query);
    const { data } = parseBody(createDocument, request.body);
    const issued = await deps.tokens.create(toGrants(data.attributes, data.relationships), caller, requestContext(request, caller));
    reply.code(201);
    return one(caller, issued.token, issued.secret);
  });

  serveEndpoint(app, 'access_tokens.update', async (caller, request) => {
    parseQuery(NO_PARAMS, request.query);
    const id = idOf(request);
    const { data } = parseBody(updateDocument, request.body, id);
    const token = await deps.tokens.update(id, toUpdate(data.attributes, data.relationships), caller, requestContext(request, caller));
    return one(caller, token);
  });

  serveEndpoint(app, 'access_tokens.rotate', async (caller, request) => {
    const { grace_period } = parseQuery(rotateQuery, request.query);
    const issued = await deps.tokens.rotate(idOf(request), requestContext(request, caller), grace_period ?? 0, caller);
    return one(caller, issued.token, issued.secret);
  });

  serveEndpoint(app, 'access_tokens.destroy', async (caller, request) => {
    const query = parseQuery(destroyQuery, request.query);
    const destination =
      query.destination_user_type && query.destination_user_id
        ? { type: query.destination_user_type, id: query.destination_user_id }
        : null;
    const token = await deps.tokens.destroy(idOf(request), caller, requestContext(request, caller), destination);
    return one(caller, token);
  });
}
