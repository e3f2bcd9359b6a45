/**
 * @module
 * `/access_tokens`: DatoCMS-compatible token management.
 */
import { z } from 'zod';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AccessToken, Principal } from '../../core/model.ts';
import {
  GRANT_KEYS,
  grantField,
  newTokenGrants,
  setGrant,
  type ApiRelationship,
  type GrantKey,
  type GrantsDraft,
  type RequiredGrantKey,
} from '../../core/grants.ts';
import { createToken, destroyToken, rotateToken, updateToken, type TokenGrants, type TokenUpdate } from '../../core/tokens.ts';
import { ApiProblem } from '../../core/errors.ts';
import type { AppDeps } from '../context.ts';
import { serveEndpoint } from '../routing.ts';
import { NO_PARAMS, parseBody, parseQuery, resourceDocument, toMany, toOneNullable } from '../jsonapi.ts';
import { serializeToken } from '../serializers.ts';
import { tokenView } from '../token-view.ts';
import { LIST_PARAMS, listRequest, sendList } from '../lists.ts';
import { requestContext } from '../request-context.ts';

/** Each grant field's attribute or relationship, as its declaration in `core/grants.ts` says. */
const attributeShape: Record<string, z.ZodType> = {};
const relationshipShape: Record<string, z.ZodType> = {};
for (const key of GRANT_KEYS) {
  const { api, default: declared } = grantField(key);
  if (api.kind === 'attribute') attributeShape[api.name] = declared === 'required' ? api.schema : api.schema.optional();
  else relationshipShape[api.name] = (api.many ? toMany(api.type) : toOneNullable(api.type)).optional();
}
const attributes = z.object(attributeShape).strict();
const relationships = z.object(relationshipShape).strict();

const createDocument = resourceDocument('access_token', attributes, relationships);
const updateDocument = resourceDocument('access_token', attributes.partial().strict().optional(), relationships);
const idParams = z.object({ id: z.string() });
const rotateQuery = z
  .object({
    grace_period: z.coerce
      .number()
      .int()
      .min(0)
      .max(30 * 86_400)
      .optional(),
  })
  .strict();
const destroyQuery = z
  .object({
    destination_user_type: z.enum(['account', 'organization', 'user', 'access_token', 'sso_user']).optional(),
    destination_user_id: z.string().min(1).optional(),
  })
  .strict();

type Linkage = { readonly data: { readonly id: string } | null | readonly { readonly id: string }[] };

/** A relationship's ids as the field's value: a list for to-many, one id or null for to-one. */
function fromRelationship<T>(_api: ApiRelationship<T>, linkage: Linkage): T {
  const { data } = linkage;
  // The schema built from `api.many` above admits a list exactly for to-many relationships.
  return (Array.isArray(data) ? data.map((r: { id: string }) => r.id) : ((data as { id: string } | null)?.id ?? null)) as T;
}

function toUpdate(attributes: Record<string, unknown> | undefined, rels: Record<string, unknown> | undefined): TokenUpdate {
  const update: GrantsDraft = {};
  for (const key of GRANT_KEYS) setFromApi(update, key, attributes, rels);
  // A token is based on exactly one of a role or a user: naming one replaces the other.
  if (rels?.role !== undefined && rels.user === undefined && update.roleId != null) update.userId = null;
  if (rels?.user !== undefined && rels.role === undefined && update.userId != null) update.roleId = null;
  return update;
}

function setFromApi<K extends GrantKey>(
  update: GrantsDraft,
  key: K,
  attributes: Record<string, unknown> | undefined,
  rels: Record<string, unknown> | undefined,
): void {
  const { api } = grantField(key);
  const given = api.kind === 'attribute' ? attributes?.[api.name] : rels?.[api.name];
  if (given === undefined) return;
  setGrant(update, key, api.kind === 'attribute' ? api.fromApi(given) : fromRelationship(api, given as Linkage));
}

function toGrants(attributes: Record<string, unknown>, rels: Record<string, unknown> | undefined): TokenGrants {
  // The create schema requires every field without a default, so they are all in the update.
  return newTokenGrants(toUpdate(attributes, rels) as Pick<TokenGrants, RequiredGrantKey> & TokenUpdate);
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
    const issued = await createToken(deps.tokens, toGrants(data.attributes, data.relationships), caller, requestContext(request, caller));
    reply.code(201);
    return one(caller, issued.token, issued.secret);
  });

  serveEndpoint(app, 'access_tokens.update', async (caller, request) => {
    parseQuery(NO_PARAMS, request.query);
    const id = idOf(request);
    const { data } = parseBody(updateDocument, request.body, id);
    const token = await updateToken(deps.tokens, id, toUpdate(data.attributes, data.relationships), caller, requestContext(request, caller));
    return one(caller, token);
  });

  serveEndpoint(app, 'access_tokens.rotate', async (caller, request) => {
    const { grace_period } = parseQuery(rotateQuery, request.query);
    const issued = await rotateToken(deps.tokens, idOf(request), requestContext(request, caller), grace_period ?? 0, caller);
    return one(caller, issued.token, issued.secret);
  });

  serveEndpoint(app, 'access_tokens.destroy', async (caller, request) => {
    const query = parseQuery(destroyQuery, request.query);
    const destination = query.destination_user_type && query.destination_user_id ? { type: query.destination_user_type, id: query.destination_user_id } : null;
    const token = await destroyToken(deps.tokens, idOf(request), caller, requestContext(request, caller), destination);
    return one(caller, token);
  });
}
