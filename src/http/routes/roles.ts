/**
 * @module
 * `/roles`: DatoCMS-compatible roles. Every DatoCMS role attribute is accepted, stored and
 * returned; `meta.final_permissions` shows the effect of inheritance.
 */
import { z } from 'zod';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import {
  CONTENT_ACTIONS,
  ENVIRONMENTS_ACCESS,
  ON_CREATOR,
  OTHER_CONTENT_ACTIONS,
  ROLE_FLAGS,
  defaultRoleAttributes,
  type Role,
  type RoleAttributes,
} from '../../core/roles.ts';
import type { NewRole } from '../../core/ports.ts';
import { createRole, destroyRole, duplicateRole, findRole, updateRole } from '../../core/directory.ts';
import type { AppDeps } from '../context.ts';
import { serveEndpoint } from '../routing.ts';
import { displayName, NO_PARAMS, parseBody, parseQuery, resourceDocument, toMany } from '../jsonapi.ts';
import { serializeRole } from '../serializers.ts';
import { requestContext } from '../request-context.ts';
import { loadRolesWithAncestors } from '../../core/role-closure.ts';
import { LIST_PARAMS, listRequest, sendList } from '../lists.ts';

/** Record permission entries: the keys Latchkey reads are typed, DatoCMS's others are kept. */
const itemTypeEntry = z.looseObject({
  item_type: z
    .string()
    .min(1)
    .nullable()
    .optional()
    .transform((v) => v ?? null),
  action: z.enum([...CONTENT_ACTIONS, ...OTHER_CONTENT_ACTIONS]),
  on_creator: z.enum(ON_CREATOR).optional(),
});
const looseEntry = z.looseObject({});

const flagShape = Object.fromEntries(ROLE_FLAGS.map((f) => [f, z.boolean()])) as Record<(typeof ROLE_FLAGS)[number], z.ZodBoolean>;
const attributes = z
  .object({
    name: displayName,
    ...flagShape,
    environments_access: z.enum(ENVIRONMENTS_ACCESS),
    positive_item_type_permissions: z.array(itemTypeEntry).max(1000),
    negative_item_type_permissions: z.array(itemTypeEntry).max(1000),
    positive_upload_permissions: z.array(looseEntry).max(1000),
    negative_upload_permissions: z.array(looseEntry).max(1000),
    positive_build_trigger_permissions: z.array(looseEntry).max(1000),
    negative_build_trigger_permissions: z.array(looseEntry).max(1000),
    positive_search_index_permissions: z.array(looseEntry).max(1000),
    negative_search_index_permissions: z.array(looseEntry).max(1000),
  })
  .partial()
  .strict();
const relationships = z.object({ inherits_permissions_from: toMany('role').optional() }).strict();

const createDocument = resourceDocument('role', attributes.required({ name: true }), relationships);
const updateDocument = resourceDocument('role', attributes.optional(), relationships);
const idParams = z.object({ id: z.string() });

type Attributes = z.infer<typeof attributes>;

function merge(
  base: { name: string; attributes: RoleAttributes; inheritsFrom: readonly string[] },
  attrs: Attributes | undefined,
  rels: z.infer<typeof relationships> | undefined,
): NewRole {
  const { name, ...rest } = attrs ?? {};
  return {
    name: name ?? base.name,
    attributes: { ...base.attributes, ...(rest as Partial<RoleAttributes>) },
    inheritsFrom: rels?.inherits_permissions_from ? rels.inherits_permissions_from.data.map((r) => r.id) : base.inheritsFrom,
  };
}

export function registerRoleRoutes(app: FastifyInstance, deps: AppDeps): void {
  /** Final permissions need each role's ancestors, and only those: read per role or per chunk. */
  const serialize = async (roles: readonly Role[]) => {
    const known = await loadRolesWithAncestors(
      deps.store,
      roles.flatMap((r) => r.inheritsFrom),
      new Map(roles.map((r) => [r.id, r])),
    );
    const all = [...known.values()];
    return roles.map((role) => serializeRole(role, all));
  };
  const one = async (role: Role) => ({ data: (await serialize([role]))[0] });
  const idOf = (request: FastifyRequest) => parseQuery(idParams, request.params).id;

  serveEndpoint(app, 'roles.list', async (_caller, request, reply) => {
    const list = listRequest(parseQuery(LIST_PARAMS, request.query));
    return sendList(reply, list, {
      count: () => deps.store.countRoles(),
      page: (page) => deps.store.pageRoles(page),
      idOf: (role) => role.id,
      serialize,
    });
  });

  serveEndpoint(app, 'roles.find', async (_caller, request) => {
    parseQuery(NO_PARAMS, request.query);
    return one(await findRole(deps.directory, idOf(request)));
  });

  serveEndpoint(app, 'roles.create', async (caller, request, reply) => {
    parseQuery(NO_PARAMS, request.query);
    const { data } = parseBody(createDocument, request.body);
    const role = await createRole(
      deps.directory,
      merge({ name: '', attributes: defaultRoleAttributes(), inheritsFrom: [] }, data.attributes, data.relationships),
      requestContext(request, caller),
      caller,
    );
    reply.code(201);
    return one(role);
  });

  serveEndpoint(app, 'roles.update', async (caller, request) => {
    parseQuery(NO_PARAMS, request.query);
    const id = idOf(request);
    const { data } = parseBody(updateDocument, request.body, id);
    return one(await updateRole(deps.directory, id, (current) => merge(current, data.attributes, data.relationships), requestContext(request, caller), caller));
  });

  serveEndpoint(app, 'roles.destroy', async (caller, request) => {
    parseQuery(NO_PARAMS, request.query);
    return one(await destroyRole(deps.directory, idOf(request), requestContext(request, caller), caller));
  });

  serveEndpoint(app, 'roles.duplicate', async (caller, request, reply) => {
    parseQuery(NO_PARAMS, request.query);
    const role = await duplicateRole(deps.directory, idOf(request), requestContext(request, caller), caller);
    reply.code(201);
    return one(role);
  });
}
