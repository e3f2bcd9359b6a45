/**
 * @module
 * `/item-types`: the models, in DatoCMS's shape. Reading needs `schema:read`; writing `schema:write`
 * and the role flag `can_edit_schema`. A model is named by id or api_key.
 */
import { z } from 'zod';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ApiProblem } from '../../core/errors.ts';
import { DEFAULT_SETTINGS, FIELD_REFS, NO_FIELD_REFS, type FieldRefs, type ItemType, type ItemTypeSettings } from '../../core/content/model.ts';
import {
  createItemType,
  destroyItemType,
  duplicateItemType,
  findItemType,
  hasSingletonItem,
  listItemTypes,
  updateItemType,
  type ItemTypeInput,
} from '../../core/content/item-types.ts';
import type { NewItemType } from '../../core/content/ports.ts';
import { requestContext } from '../request-context.ts';
import type { AppDeps } from '../context.ts';
import { serveEndpoint } from '../routing.ts';
import { assertNamesResource, displayName, NO_PARAMS, parseBody, parseQuery, resourceDocument, toOneNullable } from '../jsonapi.ts';
import { fieldAttributes, toFieldInput } from './fields.ts';
import { serializeItemType } from './items-serializers.ts';

/**
 * Latchkey's convenience: a model's fields declared with it on create (DatoCMS's client adds them
 * with `fields.create`, and answers never carry this attribute). `required: true` is the older
 * spelling of the `required` validator.
 */
const inlineField = fieldAttributes.extend({ required: z.boolean().optional() }).strict();

const attributes = z
  .object({
    name: displayName,
    api_key: z.string().min(1).max(64),
    tree: z.boolean(),
    draft_mode_active: z.boolean(),
    singleton: z.boolean(),
    sortable: z.boolean(),
    all_locales_required: z.boolean(),
    modular_block: z.boolean(),
    draft_saving_active: z.boolean(),
    collection_appearance: z.enum(['compact', 'table']),
    collection_appeareance: z.enum(['compact', 'table']),
    hint: z.string().max(1_000).nullable(),
    inverse_relationships_enabled: z.boolean(),
    ordering_direction: z.enum(['asc', 'desc']).nullable(),
    ordering_meta: z.enum(['created_at', 'updated_at', 'first_published_at', 'published_at']).nullable(),
    /** Derived from the records; DatoCMS's client may echo it back on update. */
    has_singleton_item: z.boolean(),
  })
  .partial()
  .strict();
const createAttributes = attributes.extend({ fields: z.array(inlineField).max(200).optional() }).required({ name: true, api_key: true });
const relationships = z
  .object({
    ...Object.fromEntries(FIELD_REFS.map((r) => [r, toOneNullable('field')])),
    /** Workflows are not part of Latchkey: only "none" is accepted. */
    workflow: z.object({ data: z.null() }).strict(),
  })
  .partial()
  .strict();
const createDocument = resourceDocument('item_type', createAttributes, relationships);
const updateDocument = resourceDocument('item_type', attributes.optional(), relationships);
const idParams = z.object({ id: z.string() });

type Attributes = z.infer<typeof attributes>;
type Relationships = z.infer<typeof relationships>;

function merge(base: NewItemType, a: Attributes | undefined, r: Relationships | undefined): NewItemType {
  if (a?.modular_block === true) {
    throw new ApiProblem('INVALID_FIELD', { field: 'modular_block', code: 'VALIDATION_INCLUSION', message: 'Block models (modular_block) are not supported' });
  }
  const settings: ItemTypeSettings = {
    sortable: a?.sortable ?? base.settings.sortable,
    all_locales_required: a?.all_locales_required ?? base.settings.all_locales_required,
    collection_appearance: a?.collection_appearance ?? a?.collection_appeareance ?? base.settings.collection_appearance,
    hint: a?.hint !== undefined ? a.hint : base.settings.hint,
    inverse_relationships_enabled: a?.inverse_relationships_enabled ?? base.settings.inverse_relationships_enabled,
    draft_saving_active: a?.draft_saving_active ?? base.settings.draft_saving_active,
    ordering_direction: a?.ordering_direction !== undefined ? a.ordering_direction : base.settings.ordering_direction,
    ordering_meta: a?.ordering_meta !== undefined ? a.ordering_meta : base.settings.ordering_meta,
  };
  const refs = r as Partial<Record<keyof FieldRefs, { data: { id: string } | null }>> | undefined;
  const fieldRefs = Object.fromEntries(
    FIELD_REFS.map((name) => [name, refs?.[name] !== undefined ? (refs[name]!.data?.id ?? null) : base.fieldRefs[name]]),
  ) as FieldRefs;
  return {
    name: a?.name ?? base.name,
    apiKey: a?.api_key ?? base.apiKey,
    tree: a?.tree ?? base.tree,
    draftModeActive: a?.draft_mode_active ?? base.draftModeActive,
    singleton: a?.singleton ?? base.singleton,
    settings,
    fieldRefs,
  };
}

/** DatoCMS's defaults for a new model: no draft mode, so records are live when saved. */
const NEW_MODEL: NewItemType = {
  name: '',
  apiKey: '',
  tree: false,
  draftModeActive: false,
  singleton: false,
  settings: DEFAULT_SETTINGS,
  fieldRefs: NO_FIELD_REFS,
};

export function registerItemTypeRoutes(app: FastifyInstance, deps: AppDeps): void {
  const idOf = (request: FastifyRequest) => parseQuery(idParams, request.params).id;
  const one = async (itemType: ItemType) => ({ data: await serialized(itemType) });
  const serialized = async (itemType: ItemType) => serializeItemType(itemType, await hasSingletonItem(deps, itemType));

  serveEndpoint(app, 'item_types.list', async (_caller, request) => {
    parseQuery(NO_PARAMS, request.query);
    return { data: await Promise.all((await listItemTypes(deps)).map(serialized)) };
  });

  serveEndpoint(app, 'item_types.find', async (_caller, request) => {
    parseQuery(NO_PARAMS, request.query);
    return one(await findItemType(deps, idOf(request)));
  });

  serveEndpoint(app, 'item_types.create', async (caller, request, reply) => {
    parseQuery(NO_PARAMS, request.query);
    const { data } = parseBody(createDocument, request.body);
    const { fields, ...rest } = data.attributes;
    const input: ItemTypeInput = {
      ...merge(NEW_MODEL, rest, data.relationships),
      ...(fields
        ? { fields: fields.map(({ required, ...field }) => toFieldInput(required ? { ...field, validators: { required: {}, ...field.validators } } : field)) }
        : {}),
    };
    const itemType = await createItemType(deps, input, requestContext(request, caller));
    reply.code(201);
    return one(itemType);
  });

  serveEndpoint(app, 'item_types.update', async (caller, request) => {
    parseQuery(NO_PARAMS, request.query);
    const id = idOf(request);
    const { data } = parseBody(updateDocument, request.body);
    const updated = await updateItemType(
      deps,
      id,
      (current) => {
        // The body may name the model by id or by the api_key the URL used.
        assertNamesResource(data.id, id, current.id);
        return merge(current, data.attributes, data.relationships);
      },
      requestContext(request, caller),
    );
    return one(updated);
  });

  serveEndpoint(app, 'item_types.duplicate', async (caller, request, reply) => {
    parseQuery(NO_PARAMS, request.query);
    const copy = await duplicateItemType(deps, idOf(request), requestContext(request, caller));
    reply.code(201);
    return one(copy);
  });

  serveEndpoint(app, 'item_types.destroy', async (caller, request) => {
    parseQuery(NO_PARAMS, request.query);
    return one(await destroyItemType(deps, idOf(request), requestContext(request, caller)));
  });
}
