/**
 * @module
 * Fields, as DatoCMS's `fields.*` calls reach them: `/item-types/:id/fields` (the model by id or
 * api_key) and `/fields/:id` (by id, or `model_api_key::field_api_key`). Reading needs
 * `schema:read`; writing `schema:write` and the role flag `can_edit_schema`.
 */
import { z } from 'zod';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { FieldInput } from '../../core/content/fields.ts';
import type { FieldAppearance, FieldDefinition } from '../../core/content/model.ts';
import { createField, destroyField, findField, listFields, updateField, type FieldOfModel } from '../../core/content/schema-fields.ts';
import { requestContext } from '../request-context.ts';
import type { AppDeps } from '../context.ts';
import { serveEndpoint } from '../routing.ts';
import { assertNamesResource, displayName, NO_PARAMS, parseBody, parseQuery, resourceDocument } from '../jsonapi.ts';
import { serializeField } from './items-serializers.ts';

const appearance = z
  .object({
    editor: z.string().min(1).max(100),
    field_extension: z.string().max(100).optional(),
    parameters: z.record(z.string(), z.unknown()),
    addons: z.array(z.record(z.string(), z.unknown())).max(20).default([]),
  })
  .strict();

/**
 * The field attributes DatoCMS's client sends. `field_type` is any string here: the core names an
 * unsupported type and lists the supported ones, which says more than a schema mismatch would.
 */
export const fieldAttributes = z
  .object({
    api_key: z.string().min(1).max(64),
    label: displayName.optional(),
    field_type: z.string().min(1).max(64),
    validators: z.record(z.string(), z.unknown()).optional(),
    position: z.number().int().min(1).max(10_000).optional(),
    hint: z.string().max(1_000).nullable().optional(),
    default_value: z.unknown().optional(),
    localized: z.boolean().optional(),
    appearance: appearance.optional(),
    appeareance: appearance.optional(),
    /** Latchkey has no deep filtering of links; only "off" is accepted. */
    deep_filtering_enabled: z.literal(false).optional(),
  })
  .strict();
const createDocument = resourceDocument(
  'field',
  fieldAttributes,
  z
    .object({ fieldset: z.object({ data: z.null() }).strict() })
    .partial()
    .strict(),
);
const updateDocument = resourceDocument(
  'field',
  fieldAttributes.partial().optional(),
  z
    .object({ fieldset: z.object({ data: z.null() }).strict() })
    .partial()
    .strict(),
);
const idParams = z.object({ id: z.string().min(1) });

type Attributes = z.infer<typeof fieldAttributes>;

/** The client's attributes as the core takes them; the label defaults to the api_key. */
export function toFieldInput(a: Attributes): FieldInput {
  const look = a.appearance ?? a.appeareance;
  return {
    api_key: a.api_key,
    label: a.label ?? a.api_key,
    field_type: a.field_type,
    ...(a.validators !== undefined ? { validators: a.validators } : {}),
    ...(a.position !== undefined ? { position: a.position } : {}),
    ...(a.hint !== undefined ? { hint: a.hint } : {}),
    ...(a.default_value !== undefined ? { default_value: a.default_value } : {}),
    ...(a.localized !== undefined ? { localized: a.localized } : {}),
    ...(look ? { appearance: look as FieldAppearance } : {}),
  };
}

function merge(current: FieldDefinition, a: Partial<Attributes> | undefined): FieldInput {
  return toFieldInput({
    api_key: a?.api_key ?? current.api_key,
    label: a?.label ?? current.label,
    // A changed type keeps the old validators only if the client sends none; the core checks they still fit.
    field_type: a?.field_type ?? current.field_type,
    validators: a?.validators ?? current.validators,
    position: a?.position ?? current.position,
    hint: a?.hint !== undefined ? a.hint : current.hint,
    default_value: a?.default_value !== undefined ? a.default_value : current.default_value,
    ...(a?.localized !== undefined ? { localized: a.localized } : {}),
    // A new type without a given appearance takes its type's default editor.
    ...(a?.appearance || a?.appeareance
      ? { appearance: (a.appearance ?? a.appeareance)! }
      : a?.field_type && a.field_type !== current.field_type
        ? {}
        : { appearance: current.appearance as z.infer<typeof appearance> }),
  });
}

export function registerFieldRoutes(app: FastifyInstance, deps: AppDeps): void {
  const idOf = (request: FastifyRequest) => parseQuery(idParams, request.params).id;
  const one = ({ field, itemType }: FieldOfModel) => ({ data: serializeField(field, itemType.id) });

  serveEndpoint(app, 'fields.list', async (_caller, request) => {
    parseQuery(NO_PARAMS, request.query);
    return { data: (await listFields(deps, idOf(request))).map(({ field, itemType }) => serializeField(field, itemType.id)) };
  });

  serveEndpoint(app, 'fields.find', async (_caller, request) => {
    parseQuery(NO_PARAMS, request.query);
    return one(await findField(deps, idOf(request)));
  });

  serveEndpoint(app, 'fields.create', async (caller, request, reply) => {
    parseQuery(NO_PARAMS, request.query);
    const { data } = parseBody(createDocument, request.body);
    const created = await createField(deps, idOf(request), toFieldInput(data.attributes), requestContext(request, caller));
    reply.code(201);
    return one(created);
  });

  serveEndpoint(app, 'fields.update', async (caller, request) => {
    parseQuery(NO_PARAMS, request.query);
    const id = idOf(request);
    const { data } = parseBody(updateDocument, request.body);
    const updated = await updateField(
      deps,
      id,
      (current) => {
        assertNamesResource(data.id, id, current.id);
        return merge(current, data.attributes);
      },
      requestContext(request, caller),
    );
    return one(updated);
  });

  serveEndpoint(app, 'fields.destroy', async (caller, request) => {
    parseQuery(NO_PARAMS, request.query);
    return one(await destroyField(deps, idOf(request), requestContext(request, caller)));
  });
}
