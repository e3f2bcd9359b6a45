/**
 * @module
 * `/items`: records, DatoCMS-compatible. Every route is admitted for its endpoint (layers 1–7),
 * then the item use case asks the same decision about the record itself (role entry, root nodes).
 */
import { z } from 'zod';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { findItem, itemReferences, listItemPage, type ReferenceVersion } from '../../core/content/items.ts';
import { createItem, destroyItem, publishItem, unpublishItem, updateItem } from '../../core/content/item-writes.ts';
import { bulkItems, findJobResult, type BulkAction } from '../../core/content/item-bulk.ts';
import { listItemTypes } from '../../core/content/item-types.ts';
import type { ContentVersion, Item, ItemType } from '../../core/content/model.ts';
import { ApiProblem } from '../../core/errors.ts';
import { requestContext } from '../request-context.ts';
import type { AppDeps } from '../context.ts';
import { serveEndpoint } from '../routing.ts';
import { NO_PARAMS, parseBody, parseQuery, resourceDocument, toMany, toOne } from '../jsonapi.ts';
import { parseItemListQuery } from './item-filters.ts';
import { serializeItem } from './items-serializers.ts';

const idText = z.union([z.string().regex(/^\d{1,15}$/), z.number().int().positive()]).transform(String);
/** Field values are free-form here; the model's field types validate them in the core. */
const attributes = z.looseObject({ parent_id: idText.nullable().optional(), position: z.number().int().min(0).max(1_000_000_000).optional() }).optional();
const createDocument = resourceDocument('item', attributes, z.object({ item_type: toOne('item_type') }).strict());
const updateDocument = resourceDocument('item', attributes, z.object({ item_type: toOne('item_type').optional() }).strict());
const idParams = z.object({ id: z.string() });
const versionParam = z.enum(['current', 'published']).optional();
const findQuery = z.object({ version: versionParam }).strict();
const referencesQuery = z
  .object({
    version: z.enum(['current', 'published', 'published-or-current']).optional(),
    nested: z.enum(['true', 'false']).optional(),
  })
  .strict();
/** `meta.current_version` of an update: the version the writer read (a string, as DatoCMS sends it). */
const updateMeta = z
  .looseObject({
    current_version: z
      .string()
      .regex(/^\d{1,15}$/, 'a record version')
      .optional(),
  })
  .optional();
/** The body of `POST /items/bulk/{publish,unpublish,destroy}`, as DatoCMS's client sends it. */
const bulkDocument = (type: string) =>
  z
    .object({
      data: z.object({ type: z.literal(type), relationships: z.object({ items: toMany('item') }).strict() }).strict(),
    })
    .strict();
const BULK: Record<BulkAction, { readonly type: string; readonly endpoint: 'items.bulk_publish' | 'items.bulk_unpublish' | 'items.bulk_destroy' }> = {
  publish: { type: 'item_bulk_publish_operation', endpoint: 'items.bulk_publish' },
  unpublish: { type: 'item_bulk_unpublish_operation', endpoint: 'items.bulk_unpublish' },
  destroy: { type: 'item_bulk_destroy_operation', endpoint: 'items.bulk_destroy' },
};

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
  const { content } = deps;
  // The router always hands `:id` over as a string; the schema stays the answer for anything else.
  // A single read is the hot route, and a schema run per parameter is measurable there.
  const idOf = (request: FastifyRequest) => {
    const { id } = request.params as { readonly id?: unknown };
    return typeof id === 'string' ? id : parseQuery(idParams, request.params).id;
  };
  // The store hands out the same array of models until they change: index it once per array.
  let indexed: { readonly list: readonly ItemType[]; readonly byId: ReadonlyMap<string, ItemType> } | null = null;
  const typesById = async () => {
    const list = await listItemTypes(content);
    if (indexed?.list !== list) indexed = { list, byId: new Map(list.map((t) => [t.id, t])) };
    return indexed.byId;
  };
  const one = async (item: Item, version: ContentVersion = 'current') => ({
    data: serializeItem(item, (await typesById()).get(item.itemTypeId), version),
  });

  serveEndpoint(app, 'items.list', async (caller, request) => {
    const types = await typesById();
    const params = parseItemListQuery(request.query as Record<string, unknown>, types);
    const { items: page, total } = await listItemPage(content, caller, params);
    return { data: page.map((item) => serializeItem(item, types.get(item.itemTypeId), params.version)), meta: { total_count: total } };
  });

  serveEndpoint(app, 'items.references', async (caller, request) => {
    const q = parseQuery(referencesQuery, request.query);
    const version: ReferenceVersion = q.version ?? 'current';
    const types = await typesById();
    const found = await itemReferences(content, caller, idOf(request), version);
    const shown: ContentVersion = version === 'published' ? 'published' : 'current';
    return { data: found.map((item) => serializeItem(item, types.get(item.itemTypeId), shown)) };
  });

  for (const action of ['publish', 'unpublish', 'destroy'] as const) {
    serveEndpoint(app, BULK[action].endpoint, async (caller, request, reply) => {
      parseQuery(NO_PARAMS, request.query);
      const { data } = parseBody(bulkDocument(BULK[action].type), request.body);
      const job = await bulkItems(
        content,
        caller,
        action,
        data.relationships.items.data.map((ref) => ref.id),
        requestContext(request, caller),
      );
      // DatoCMS runs bulk operations as background jobs; here the job has finished by the time it
      // is announced, and its result waits at /job-results/:id.
      reply.code(202);
      return { data: { type: 'job', id: job.id } };
    });
  }

  serveEndpoint(app, 'job_results.find', async (caller, request) => {
    parseQuery(NO_PARAMS, request.query);
    const result = await findJobResult(content, caller, idOf(request));
    return { data: { type: 'job_result', id: result.id, attributes: { status: result.status, payload: result.payload } } };
  });

  serveEndpoint(app, 'items.find', async (caller, request) => {
    // Most reads carry no query string at all: nothing to check then.
    const { version } = hasNoKeys(request.query) ? { version: undefined } : parseQuery(findQuery, request.query);
    return one(await findItem(content, caller, idOf(request), version ?? 'current'), version ?? 'current');
  });

  serveEndpoint(app, 'items.create', async (caller, request, reply) => {
    parseQuery(NO_PARAMS, request.query);
    const { data } = parseBody(createDocument, request.body);
    const { parentId, position, values } = split(data.attributes);
    const item = await createItem(content, caller, {
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
    const meta = updateMeta.safeParse(data.meta);
    if (!meta.success)
      throw new ApiProblem('INVALID_FORMAT', {
        pointer: '/data/meta/current_version',
        message: 'current_version must be a record version (a string of digits)',
      });
    const { parentId, position, values } = split(data.attributes);
    const item = await updateItem(content, caller, id, {
      ...(meta.data?.current_version !== undefined ? { currentVersion: meta.data.current_version } : {}),
      ...(data.relationships?.item_type ? { itemTypeId: data.relationships.item_type.data.id } : {}),
      ...(Object.keys(values).length > 0 ? { values } : {}),
      ...(parentId !== undefined ? { parentId } : {}),
      ...(position !== undefined ? { position } : {}),
    });
    return one(item);
  });

  serveEndpoint(app, 'items.destroy', async (caller, request) => {
    parseQuery(NO_PARAMS, request.query);
    return one(await destroyItem(content, caller, idOf(request), requestContext(request, caller)));
  });

  serveEndpoint(app, 'items.publish', async (caller, request) => {
    parseQuery(NO_PARAMS, request.query);
    return one(await publishItem(content, caller, idOf(request), requestContext(request, caller)));
  });

  serveEndpoint(app, 'items.unpublish', async (caller, request) => {
    parseQuery(NO_PARAMS, request.query);
    return one(await unpublishItem(content, caller, idOf(request), requestContext(request, caller)));
  });
}
