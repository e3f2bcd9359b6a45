/**
 * @module
 * `/users` (collaborators a token can be based on) and `/users/me` (the calling token).
 */
import { z } from 'zod';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { User } from '../../core/model.ts';
import { ApiProblem } from '../../core/errors.ts';
import { tokenView } from '../token-view.ts';
import { createUser, destroyUser, findUser, updateUser } from '../../core/directory.ts';
import type { AppDeps } from '../context.ts';
import { serveEndpoint } from '../routing.ts';
import { displayName, NO_PARAMS, parseBody, parseQuery, resourceDocument, toOne } from '../jsonapi.ts';
import { effectiveAccess, serializeRole, serializeToken, serializeUser } from '../serializers.ts';
import { requestContext } from '../request-context.ts';
import { endpointAccess } from '../../core/explain.ts';
import { loadRolesWithAncestors } from '../../core/role-closure.ts';
import { LIST_PARAMS, listRequest, sendList } from '../lists.ts';

const attributes = z
  .object({
    email: z.email().max(320),
    full_name: displayName,
    is_active: z.boolean(),
  })
  .partial()
  .strict();
const relationships = z.object({ role: toOne('role').optional() }).strict();
const createDocument = resourceDocument('user', attributes.required({ email: true, full_name: true }), relationships);
const updateDocument = resourceDocument('user', attributes.optional(), relationships);
const idParams = z.object({ id: z.string() });
const meQuery = z.object({ include: z.enum(['role']).optional() }).strict();

function requiredRole(id: string | undefined): string {
  if (id === undefined) throw new ApiProblem('INVALID_FORMAT', { pointer: '/data/relationships/role', message: 'A user needs a role' });
  return id;
}

export function registerUserRoutes(app: FastifyInstance, deps: AppDeps): void {
  const idOf = (request: FastifyRequest) => parseQuery(idParams, request.params).id;
  const one = (user: User) => ({ data: serializeUser(user) });

  serveEndpoint(app, 'users.me', async (caller, request) => {
    const { include } = parseQuery(meQuery, request.query);
    const view = await tokenView(deps, caller, [caller.token]);
    const effective = { ...effectiveAccess(caller), endpoints: endpointAccess(caller, view.now, request.ip) };
    const data = { ...serializeToken(caller.token, view), meta: { effective_access: effective } };
    if (include === 'role' && caller.role) {
      const roles = await loadRolesWithAncestors(deps.store, caller.role.inheritsFrom);
      return { data, included: [serializeRole(caller.role, [...roles.values()])] };
    }
    return { data };
  });

  serveEndpoint(app, 'users.list', async (_caller, request, reply) => {
    const list = listRequest(parseQuery(LIST_PARAMS, request.query));
    return sendList(reply, list, {
      count: () => deps.store.countUsers(),
      page: (page) => deps.store.pageUsers(page),
      idOf: (user) => user.id,
      serialize: async (users) => users.map(serializeUser),
    });
  });

  serveEndpoint(app, 'users.find', async (_caller, request) => {
    parseQuery(NO_PARAMS, request.query);
    return one(await findUser(deps.directory, idOf(request)));
  });

  serveEndpoint(app, 'users.create', async (caller, request, reply) => {
    parseQuery(NO_PARAMS, request.query);
    const { data } = parseBody(createDocument, request.body);
    const user = await createUser(
      deps.directory,
      {
        email: data.attributes.email,
        fullName: data.attributes.full_name,
        isActive: data.attributes.is_active ?? true,
        roleId: requiredRole(data.relationships?.role?.data.id),
      },
      requestContext(request, caller),
      caller,
    );
    reply.code(201);
    return one(user);
  });

  serveEndpoint(app, 'users.update', async (caller, request) => {
    parseQuery(NO_PARAMS, request.query);
    const id = idOf(request);
    const { data } = parseBody(updateDocument, request.body, id);
    const user = await updateUser(
      deps.directory,
      id,
      (current) => ({
        email: data.attributes?.email ?? current.email,
        fullName: data.attributes?.full_name ?? current.fullName,
        isActive: data.attributes?.is_active ?? current.isActive,
        roleId: data.relationships?.role?.data.id ?? current.roleId,
      }),
      requestContext(request, caller),
      caller,
    );
    return one(user);
  });

  serveEndpoint(app, 'users.destroy', async (caller, request) => {
    parseQuery(NO_PARAMS, request.query);
    return one(await destroyUser(deps.directory, idOf(request), requestContext(request, caller), caller));
  });
}
