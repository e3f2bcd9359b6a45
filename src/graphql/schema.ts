/**
 * @module
 * The GraphQL schema of the Content Delivery API, generated from the item types in DatoCMS's
 * shape: per model a record type, `foo(id, filter, orderBy)`, `allFoos(first, skip, filter,
 * orderBy)` and `_allFoosMeta(filter) { count }`, with DatoCMS's scalars (`ItemId`, `IntType`, …),
 * filter inputs and `[FooModelOrderBy]` orderings; DatoCMS's system fields on every record;
 * typed `parent` and `children` on tree models, and `_parent` / `_children` for the content tree
 * across models (a page under a website, an article under a page). There is no Mutation type: the
 * CDA is read-only by construction. Everything here runs once per version of the models; the
 * resolvers only ask the request's reader.
 */
import {
  GraphQLEnumType,
  GraphQLInputObjectType,
  GraphQLInterfaceType,
  GraphQLList,
  GraphQLNonNull,
  GraphQLObjectType,
  GraphQLSchema,
  GraphQLString,
  GraphQLUnionType,
  type GraphQLFieldConfig,
  type GraphQLFieldConfigMap,
  type GraphQLInputFieldConfig,
  type GraphQLNullableType,
  type GraphQLOutputType,
} from 'graphql';
import { ApiProblem } from '../core/errors.ts';
import { conforms, validateValues } from '../core/content/fields.ts';
import type { DeliveredRecord, DeliveryReader } from '../core/content/delivery.ts';
import type { FieldDefinition, ItemType } from '../core/content/model.ts';
import { camelCase, modelNames, pascalCase } from '../core/content/naming.ts';
import { ALWAYS_NULL, toCondition, toOrder, valueRefs, type RecordFilter } from './filter.ts';
import { linkTargets } from './links.ts';
import * as t from './scalars.ts';
import { seoFieldOf, seoMetaTags, SiteType } from './site.ts';

export interface DeliveryContext {
  readonly reader: DeliveryReader;
  readonly siteName: () => Promise<string>;
}

type Field = GraphQLFieldConfig<DeliveredRecord, DeliveryContext>;
const nonNull = <T extends GraphQLNullableType>(type: T) => new GraphQLNonNull(type);
const listOf = <T extends GraphQLOutputType>(type: T) => nonNull(new GraphQLList(nonNull(type)));
const DEFAULT_FIRST = 20;
const MAX_FIRST = 500;
/**
 * The deepest page: the database still walks the skipped rows (OFFSET), so an unbounded `skip`
 * would let one request scan a whole model. 100,000 keeps the worst page bounded (tens of
 * milliseconds) while leaving room for any listing a client pages through; beyond it, narrow the
 * list with a filter (e.g. `_createdAt: { gt: … }`) instead.
 */
export const MAX_SKIP = 100_000;
const ORDERABLE = new Set(['string', 'integer', 'float', 'boolean', 'date', 'date_time', 'slug']);
/** DatoCMS's system orderings, in its order; `_isValid` is left out (it is not a stored value). */
const SYSTEM_ORDER = [
  '_createdAt',
  '_firstPublishedAt',
  '_publicationScheduledAt',
  '_publishedAt',
  '_status',
  '_unpublishingScheduledAt',
  '_updatedAt',
  'id',
  'position',
];

function pageArgs(args: { first?: number | null; skip?: number | null }): { first: number; skip: number } {
  const first = args.first ?? DEFAULT_FIRST;
  const skip = args.skip ?? 0;
  if (first < 0 || first > MAX_FIRST) throw new ApiProblem('INVALID_PARAMS', { parameter: 'first', message: `first must be between 0 and ${MAX_FIRST}` });
  if (skip < 0 || skip > MAX_SKIP) throw new ApiProblem('INVALID_PARAMS', { parameter: 'skip', message: `skip must be between 0 and ${MAX_SKIP}` });
  return { first, skip };
}

/** Whether a record's values fit its model now (types and required fields), as DatoCMS's `_isValid`. */
function isValid(fields: readonly FieldDefinition[], values: DeliveredRecord['values']): boolean {
  const own: Record<string, unknown> = {};
  for (const f of fields) own[f.api_key] = values[f.api_key] ?? null;
  try {
    validateValues(fields, own, null);
    return true;
  } catch {
    return false;
  }
}

/** The system fields of every record, shared by the interface and (with resolvers) each model. */
function systemFields(model: ItemType | null): Record<string, Field> {
  const seoField = model ? seoFieldOf(model.fields) : null;
  return {
    id: { type: nonNull(t.ItemIdScalar), resolve: (r) => r.item.id },
    _modelApiKey: { type: nonNull(GraphQLString), resolve: () => model?.apiKey },
    _status: { type: nonNull(t.ItemStatusEnum), resolve: (r) => r.item.status },
    _createdAt: { type: nonNull(t.DateTimeScalar), resolve: (r) => r.item.createdAt },
    _updatedAt: { type: nonNull(t.DateTimeScalar), resolve: (r) => r.item.updatedAt },
    _publishedAt: { type: t.DateTimeScalar, resolve: (r) => r.item.publishedAt },
    _firstPublishedAt: { type: t.DateTimeScalar, resolve: (r) => r.item.firstPublishedAt },
    _publicationScheduledAt: { type: t.DateTimeScalar, description: 'Always null: Latchkey does not schedule publications.', resolve: () => null },
    _unpublishingScheduledAt: { type: t.DateTimeScalar, description: 'Always null: Latchkey does not schedule unpublishing.', resolve: () => null },
    _isValid: { type: nonNull(t.BooleanTypeScalar), resolve: (r) => (model ? isValid(model.fields, r.values) : true) },
    _seoMetaTags: {
      type: t.TagList,
      args: { locale: { type: t.SiteLocaleEnum } },
      resolve: (r) => {
        const value = seoField ? r.values[seoField.api_key] : null;
        return seoMetaTags(seoField && conforms('seo', value) ? (value as t.SeoValue) : null, r.item.updatedAt);
      },
    },
  };
}

export function buildContentSchema(itemTypes: readonly ItemType[]): GraphQLSchema {
  const typeNames = new Map(itemTypes.map((m) => [m.id, modelNames(m.apiKey).typeName]));
  const RecordInterface: GraphQLInterfaceType = new GraphQLInterfaceType({
    name: 'RecordInterface',
    fields: () => systemFields(null),
    resolveType: (r: DeliveredRecord) => typeNames.get(r.item.itemTypeId),
  });
  /** Made in the loop below; read by the field thunks, which graphql-js calls after it. */
  const objectTypes = new Map<string, GraphQLObjectType<DeliveredRecord, DeliveryContext>>();

  /** The type a link field returns: its one target model's record type, a union of several, or any record. */
  const linkType = (model: ItemType, field: FieldDefinition): { type: GraphQLOutputType; accepts: ((r: DeliveredRecord) => boolean) | null } => {
    const targets = linkTargets(field)?.filter((id) => objectTypes.has(id));
    if (!targets || targets.length === 0) return { type: RecordInterface, accepts: null };
    const allowed = new Set(targets);
    const accepts = (r: DeliveredRecord) => allowed.has(r.item.itemTypeId);
    if (targets.length === 1) return { type: objectTypes.get(targets[0]!)!, accepts };
    const union = new GraphQLUnionType({
      name: `${pascalCase(model.apiKey)}Model${pascalCase(field.api_key)}Field`,
      types: () => targets.map((id) => objectTypes.get(id)!),
      resolveType: (r: DeliveredRecord) => typeNames.get(r.item.itemTypeId),
    });
    return { type: union, accepts };
  };

  const queryFields: Record<string, Field> = {
    _site: {
      type: nonNull(SiteType),
      args: t.LOCALE_ARGS,
      resolve: async (_root, _args, ctx) => ({ name: await ctx.siteName() }),
    },
  };

  for (const model of itemTypes) {
    const names = modelNames(model.apiKey);
    const refs = valueRefs(model);
    const filterFields: Record<string, GraphQLInputFieldConfig> = {
      id: { type: t.ItemIdFilter },
      _status: { type: t.StatusFilter },
      _createdAt: { type: t.CreatedAtFilter },
      _updatedAt: { type: t.UpdatedAtFilter },
      _publishedAt: { type: t.PublishedAtFilter },
      _firstPublishedAt: { type: t.PublishedAtFilter },
      ...Object.fromEntries(ALWAYS_NULL.map((name) => [name, { type: t.PublishedAtFilter }])),
      parent: { type: t.ParentFilter },
      position: { type: t.PositionFilter },
    };
    const orderKeys = [...SYSTEM_ORDER];
    for (const field of model.fields) {
      const name = camelCase(field.api_key);
      filterFields[name] = { type: t.FILTERS[field.field_type] };
      if (ORDERABLE.has(field.field_type)) orderKeys.push(name);
    }

    const recordFields = (): GraphQLFieldConfigMap<DeliveredRecord, DeliveryContext> => {
      const self = objectTypes.get(model.id)!;
      const fields: Record<string, Field> = {
        ...systemFields(model),
        position: { type: nonNull(t.IntTypeScalar), resolve: (r) => r.item.position },
        _parent: {
          type: RecordInterface,
          description: 'The record above this one in the content tree, of any model.',
          resolve: (r, _a, ctx) => ctx.reader.related(r.item.parentId),
        },
        parent: model.tree
          ? {
              type: self,
              description: 'The parent record of the same model (null at the top of this model, or under a record of another model: see `_parent`).',
              resolve: async (r, _a, ctx) => {
                const parent = await ctx.reader.related(r.item.parentId);
                return parent?.item.itemTypeId === model.id ? parent : null;
              },
            }
          : {
              type: RecordInterface,
              description: 'The record above this one in the content tree, of any model.',
              resolve: (r, _a, ctx) => ctx.reader.related(r.item.parentId),
            },
      };
      if (model.tree) {
        fields.children = {
          type: listOf(self),
          description: 'The child records of the same model, by position.',
          resolve: (r, _a, ctx) => ctx.reader.children(r.item.id, model.id),
        };
        fields._children = {
          type: listOf(RecordInterface),
          description: 'The child records of every model, by position.',
          resolve: (r, _a, ctx) => ctx.reader.children(r.item.id),
        };
      }
      for (const field of model.fields) {
        const name = camelCase(field.api_key);
        const read = (r: DeliveredRecord) => {
          const value = r.values[field.api_key];
          return conforms(field.field_type, value) ? value : null;
        };
        if (field.field_type === 'link') {
          const { type, accepts } = linkType(model, field);
          fields[name] = {
            type,
            resolve: async (r, _a, ctx) => {
              const linked = await ctx.reader.related((read(r) as string | null) ?? null);
              return linked && (!accepts || accepts(linked)) ? linked : null;
            },
          };
        } else if (field.field_type === 'links') {
          const { type, accepts } = linkType(model, field);
          fields[name] = {
            type: listOf(type),
            // Records the reader may not see drop out of the list, as a single link reads null.
            resolve: async (r, _a, ctx) => {
              const linked = await Promise.all(((read(r) as string[] | null) ?? []).map((id) => ctx.reader.related(id)));
              return linked.filter((record) => record !== null && (!accepts || accepts(record)));
            },
          };
        } else {
          fields[name] = { type: t.OUTPUT[field.field_type], resolve: read };
        }
      }
      return fields;
    };

    const filterType: GraphQLInputObjectType = new GraphQLInputObjectType({
      name: names.filterName,
      fields: () => ({ ...filterFields, AND: { type: new GraphQLList(filterType) }, OR: { type: new GraphQLList(filterType) } }),
    });
    const orderType = new GraphQLEnumType({
      name: names.orderName,
      values: Object.fromEntries(orderKeys.flatMap((k) => [`${k}_ASC`, `${k}_DESC`]).map((v) => [v, { value: v }])),
    });
    const orderBy = { type: new GraphQLList(orderType) };
    const objectType = new GraphQLObjectType<DeliveredRecord, DeliveryContext>({
      name: names.typeName,
      description: `Record of type ${model.name} (${model.apiKey})`,
      interfaces: [RecordInterface],
      fields: recordFields,
    });
    objectTypes.set(model.id, objectType);

    type ListArgs = { first?: number | null; skip?: number | null; filter?: RecordFilter | null; orderBy?: (string | null)[] | null };
    const page = (ctx: DeliveryContext, args: ListArgs, offset: number, limit: number) => {
      const where = toCondition(args.filter, refs);
      return ctx.reader.page(model.id, { ...(where ? { where } : {}), orderBy: toOrder(args.orderBy, refs), offset, limit });
    };

    queryFields[names.single] = {
      type: objectType,
      args: { id: { type: t.ItemIdScalar }, filter: { type: filterType }, orderBy, ...t.LOCALE_ARGS },
      resolve: async (_root, args: ListArgs & { id?: string | null }, ctx) => {
        if (args.id != null) {
          // The decision on the record itself first, so a refusal names its layer; then the filter.
          const record = await ctx.reader.one(model.id, args.id);
          if (!record || !args.filter) return record;
          const [matching] = await page(ctx, { filter: { AND: [args.filter, { id: { eq: args.id } }] } }, 0, 1);
          return matching ? record : null;
        }
        return (await page(ctx, args, 0, 1))[0] ?? null;
      },
    };
    queryFields[names.all] = {
      type: listOf(objectType),
      args: {
        first: { type: t.IntTypeScalar, defaultValue: DEFAULT_FIRST },
        skip: { type: t.IntTypeScalar, defaultValue: 0 },
        filter: { type: filterType },
        orderBy,
        ...t.LOCALE_ARGS,
      },
      resolve: async (_root, args: ListArgs, ctx) => {
        const { first, skip } = pageArgs(args);
        return page(ctx, args, skip, first);
      },
    };
    queryFields[names.meta] = {
      type: nonNull(t.CollectionMetadata),
      args: { filter: { type: filterType }, ...t.LOCALE_ARGS },
      resolve: async (_root, args: ListArgs, ctx) => ({ count: await ctx.reader.count(model.id, toCondition(args.filter, refs)) }),
    };
  }

  // The constructor walks every field (running the thunks above), so the link unions join the
  // schema through the fields that return them.
  return new GraphQLSchema({
    query: new GraphQLObjectType({ name: 'Query', fields: queryFields }),
    types: [...objectTypes.values(), ...t.SCALARS],
  });
}
