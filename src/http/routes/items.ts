/**
 * @module
 * `/items`: records, DatoCMS-compatible. Every route is admitted for its endpoint (layers 1–7),
 * then the item use case asks the same decision about the record itself (role entry, root nodes).
 */
import { z } from 'zod';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { itemTypeIdsFor } from '../../core/content/type-filter.ts';
import type { ContentVersion, Item, ItemType } from '../../core/content/model.ts';
import { requestContext } from '../request-context.ts';
import type { AppDeps } from '../context.ts';
import { serveEndpoint } from '../routing.ts';
import { NO_PARAMS, parseBody, parseQuery, resourceDocument, toOne } from '../jsonapi.ts';
import { serializeItem } from './items-serializers.ts';

const idText = z.union([z.string().regex(/^\d{1,15}$/), z.number().int().positive()]).transform(String);
/** Field values are free-form here; the model's field types validate them in the core. */
const attributes = z
  .looseObject({ parent_id: idText.nullable().optional(), position: z.number().int().min(0).max(1_000_000_000).optional() })
  .optional();
const createDocument = resourceDocument('item', attributes, z.object({ item_type: toOne('item_type') }).strict());
const updateDocument = resourceDocument('item', attributes, z.object({ item_type: toOne('item_type').optional() }).strict());
const idParams = z.object({ id: z.string() });
const versionParam = z.enum(['current', 'published']).optional();
const findQuery = z.object({ version: versionParam }).strict();
const csv = z.string().max(10_000).transform((v) => v.split(',').map((s) => s.trim()).filter((s) => s !== ''));
const listQuery = z
  .object({
    'filter[type]': csv.optional(),
    'filter[ids]': csv.optional(),
    'filter[parent]': z.string().regex(/^(\d{1,15}|null)$/, 'an item id or null').optional(),
    'page[offset]': z.coerce.number().int().min(0).max(1_000_000_000).optional(),
    'page[limit]': z.coerce.number().int().min(1).max(500).optional(),
    version: versionParam,
  })
  .strict();

function hasNoKeys(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  for (const key in value) if (Object.hasOwn(value, key)) return false;
  return true;
}

type Attributes = NonNullable<z.infer<typeof attributes>>;

function split(a: Attributes | undefined) {
  const { parent_id, position, ...values } = a ?? {};
  return { parentId: parent_id, position, values };
}

export function registerItemRoutes(app: FastifyInstance, deps: AppDeps): void {
  const { items, itemTypes } = deps.content;
  // The router always hands `:id` over as a string; the schema stays the answer for anything else.
  // A single read is the hot route, and a schema run per parameter is measurable there.
  const idOf = (request: FastifyRequest) => {
    const { id } = request.params as { readonly id?: unknown };
    return typeof id === 'string' ? id : parseQuery(idParams, request.params).id;
  };
  // The store hands out the same array of models until they change: index it once per array.
  let indexed: { readonly list: readonly ItemType[]; readonly byId: ReadonlyMap<string, ItemType> } | null = null;
  const typesById = async () => {
    const list = await itemTypes.list();
    if (indexed?.list !== list) indexed = { list, byId: new Map(list.map((t) => [t.id, t])) };
    return indexed.byId;
  };
  const one = async (item: Item, version: ContentVersion = 'current') => ({
    data: serializeItem(item, (await typesById()).get(item.itemTypeId), version),
  });

  serveEndpoint(app, 'items.list', async (caller, request) => {
    const q = parseQuery(listQuery, request.query);
    const types = await typesById();
    const itemTypeIds = q['filter[type]'] && itemTypeIdsFor(types.values(), q['filter[type]']);
    const parent = q['filter[parent]'];
    const version = q.version ?? 'current';
    const { items: page, total } = await items.list(caller, {
      ...(itemTypeIds ? { itemTypeIds } : {}),
      ...(q['filter[ids]'] ? { ids: q['filter[ids]'] } : {}),
      ...(parent !== undefined ? { parentId: parent === 'null' ? null : parent } : {}),
      version,
      offset: q['page[offset]'] ?? 0,
      limit: q['page[limit]'] ?? 30,
    });
    return { data: page.map((item) => serializeItem(item, types.get(item.itemTypeId), version)), meta: { total_count: total } };
  });

  serveEndpoint(app, 'items.find', async (caller, request) => {
    // Most reads carry no query string at all: nothing to check then.
    const { version } = hasNoKeys(request.query) ? { version: undefined } : parseQuery(findQuery, request.query);
    return one(await items.find(caller, idOf(request), version ?? 'current'), version ?? 'current');
  });

  serveEndpoint(app, 'items.create', async (caller, request, reply) => {
    parseQuery(NO_PARAMS, request.query);
    const { data } = parseBody(createDocument, request.body);
    const { parentId, position, values } = split(data.attributes);
    const item = await items.create(caller, {
      itemTypeId: data.relationships?.item_type.data.id ?? '',
      values,
      parentId: parentId ?? null,
      ...(position !== undefined ? { position } : {}),
    });
    reply.code(201);
    return one(item);
  });

  serveEndpoint(app, 'items.update', async (caller, request) => {
    parseQuery(NO_PARAMS, request.query);
    const id = idOf(request);
    const { data } = parseBody(updateDocument, request.body, id);
    const { parentId, position, values } = split(data.attributes);
    const item = await items.update(caller, id, {
      ...(data.relationships?.item_type ? { itemTypeId: data.relationships.item_type.data.id } : {}),
      ...(Object.keys(values).length > 0 ? { values } : {}),
      ...(parentId !== undefined ? { parentId } : {}),
      ...(position !== undefined ? { position } : {}),
    });
    return one(item);
  });

  serveEndpoint(app, 'items.destroy', async (caller, request) => {
    parseQuery(NO_PARAMS, request.query);
    return one(await items.destroy(caller, idOf(request)));
  });

  serveEndpoint(app, 'items.publish', async (caller, request) => {
    parseQuery(NO_PARAMS, request.query);
    return one(await items.publish(caller, idOf(request), requestContext(request, caller)));
  });

  serveEndpoint(app, 'items.unpublish', async (caller, request) => {
    parseQuery(NO_PARAMS, request.query);
    return one(await items.unpublish(caller, idOf(request), requestContext(request, caller)));
  });
}
