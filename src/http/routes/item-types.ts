/**
 * @module
 * `/item-types`: the models. Reading needs `schema:read`; writing `schema:write` and the role flag
 * `can_edit_schema`.
 */
import { z } from 'zod';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { FIELD_TYPES, type FieldDefinition, type ItemType } from '../../core/content/model.ts';
import type { NewItemType } from '../../core/content/ports.ts';
import { requestContext } from '../request-context.ts';
import type { AppDeps } from '../context.ts';
import { serveEndpoint } from '../routing.ts';
import { displayName, NO_PARAMS, parseBody, parseQuery, resourceDocument } from '../jsonapi.ts';
import { serializeItemType } from './items-serializers.ts';

const field = z
  .object({
    api_key: z.string().min(1).max(64),
    label: z.string().trim().min(1).max(255).optional(),
    field_type: z.enum(FIELD_TYPES),
    required: z.boolean().optional(),
  })
  .strict();
const attributes = z
  .object({
    name: displayName(),
    api_key: z.string().min(1).max(64),
    fields: z.array(field).max(200),
    tree: z.boolean(),
  })
  .partial()
  .strict();
const relationships = z.object({}).strict();
const createDocument = resourceDocument('item_type', attributes.required({ name: true, api_key: true }), relationships);
const updateDocument = resourceDocument('item_type', attributes.optional(), relationships);
const idParams = z.object({ id: z.string() });

type Attributes = z.infer<typeof attributes>;

function toFields(fields: z.infer<typeof field>[]): FieldDefinition[] {
  return fields.map((f) => ({ api_key: f.api_key, label: f.label ?? f.api_key, field_type: f.field_type, required: f.required ?? false }));
}

function merge(base: NewItemType, a: Attributes | undefined): NewItemType {
  return {
    name: a?.name ?? base.name,
    apiKey: a?.api_key ?? base.apiKey,
    fields: a?.fields ? toFields(a.fields) : base.fields,
    tree: a?.tree ?? base.tree,
  };
}

export function registerItemTypeRoutes(app: FastifyInstance, deps: AppDeps): void {
  const service = deps.content.itemTypes;
  const idOf = (request: FastifyRequest) => parseQuery(idParams, request.params).id;
  const one = (itemType: ItemType) => ({ data: serializeItemType(itemType) });

  serveEndpoint(app, 'item_types.list', async (_caller, request) => {
    parseQuery(NO_PARAMS, request.query);
    return { data: (await service.list()).map(serializeItemType) };
  });

  serveEndpoint(app, 'item_types.find', async (_caller, request) => {
    parseQuery(NO_PARAMS, request.query);
    return one(await service.find(idOf(request)));
  });

  serveEndpoint(app, 'item_types.create', async (caller, request, reply) => {
    parseQuery(NO_PARAMS, request.query);
    const { data } = parseBody(createDocument, request.body);
    const itemType = await service.create(merge({ name: '', apiKey: '', fields: [], tree: false }, data.attributes), requestContext(request, caller));
    reply.code(201);
    return one(itemType);
  });

  serveEndpoint(app, 'item_types.update', async (caller, request) => {
    parseQuery(NO_PARAMS, request.query);
    const id = idOf(request);
    const { data } = parseBody(updateDocument, request.body, id);
    return one(await service.update(id, (current) => merge(current, data.attributes), requestContext(request, caller)));
  });

  serveEndpoint(app, 'item_types.destroy', async (caller, request) => {
    parseQuery(NO_PARAMS, request.query);
    return one(await service.destroy(idOf(request), requestContext(request, caller)));
  });
}
