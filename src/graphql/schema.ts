/**
 * @module
 * The GraphQL schema of the Content Delivery API, generated from the item types: per model a
 * record type, `foo(id, filter)`, `allFoos(first, skip, filter, orderBy)` and
 * `_allFoosMeta(filter) { count }`; system fields on every record; `parent` everywhere and
 * `children` on tree models (a page under a website, an article under a page). There is no
 * Mutation type: the CDA is read-only by construction.
 */
import {
  GraphQLID,
  GraphQLEnumType,
  GraphQLInputObjectType,
  GraphQLInt,
  GraphQLInterfaceType,
  GraphQLList,
  GraphQLNonNull,
  GraphQLObjectType,
  GraphQLSchema,
  GraphQLString,
  type GraphQLFieldConfig,
  type GraphQLInputFieldConfig,
  type GraphQLNullableType,
} from 'graphql';
import { ApiProblem } from '../core/errors.ts';
import { conforms } from '../core/content/fields.ts';
import type { DeliveredRecord, DeliveryReader } from '../core/content/delivery.ts';
import type { ItemType } from '../core/content/model.ts';
import { camelCase, modelNames } from '../core/content/naming.ts';
import { toCondition, toOrder, valueRefs, type RecordFilter } from './filter.ts';
import * as t from './scalars.ts';

export interface DeliveryContext {
  readonly reader: DeliveryReader;
  readonly siteName: () => Promise<string>;
}

type Field = GraphQLFieldConfig<DeliveredRecord, DeliveryContext>;
const nonNull = <T extends GraphQLNullableType>(type: T) => new GraphQLNonNull(type);
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

function pageArgs(args: { first?: number | null; skip?: number | null }): { first: number; skip: number } {
  const first = args.first ?? DEFAULT_FIRST;
  const skip = args.skip ?? 0;
  if (first < 0 || first > MAX_FIRST) throw new ApiProblem('INVALID_PARAMS', { parameter: 'first', message: `first must be between 0 and ${MAX_FIRST}` });
  if (skip < 0 || skip > MAX_SKIP) throw new ApiProblem('INVALID_PARAMS', { parameter: 'skip', message: `skip must be between 0 and ${MAX_SKIP}` });
  return { first, skip };
}

export function buildContentSchema(itemTypes: readonly ItemType[]): GraphQLSchema {
  const typeNames = new Map(itemTypes.map((m) => [m.id, modelNames(m.apiKey).typeName]));
  const systemFields = (): Record<string, Field> => ({
    id: { type: nonNull(GraphQLID), resolve: (r) => r.item.id },
    _modelApiKey: { type: nonNull(GraphQLString), resolve: (r) => itemTypes.find((m) => m.id === r.item.itemTypeId)?.apiKey },
    _status: { type: nonNull(t.ItemStatusEnum), resolve: (r) => r.item.status },
    _createdAt: { type: nonNull(t.DateTimeScalar), resolve: (r) => r.item.createdAt },
    _updatedAt: { type: nonNull(t.DateTimeScalar), resolve: (r) => r.item.updatedAt },
    _publishedAt: { type: t.DateTimeScalar, resolve: (r) => r.item.publishedAt },
  });
  const RecordInterface: GraphQLInterfaceType = new GraphQLInterfaceType({
    name: 'RecordInterface',
    fields: systemFields,
    resolveType: (r: DeliveredRecord) => typeNames.get(r.item.itemTypeId),
  });

  const queryFields: Record<string, Field> = {
    _site: {
      type: nonNull(new GraphQLObjectType({ name: 'Site', fields: { name: { type: nonNull(GraphQLString) } } })),
      resolve: async (_root, _args, ctx) => ({ name: await ctx.siteName() }),
    },
  };
  const objectTypes: GraphQLObjectType[] = [];

  for (const model of itemTypes) {
    const names = modelNames(model.apiKey);
    const refs = valueRefs(model);
    const filterFields: Record<string, GraphQLInputFieldConfig> = {
      id: { type: t.ItemIdFilter },
      _status: { type: t.StatusFilter },
      _createdAt: { type: t.FILTERS.date_time },
      _updatedAt: { type: t.FILTERS.date_time },
      _publishedAt: { type: t.FILTERS.date_time },
      parent: { type: t.ParentFilter },
      position: { type: t.PositionFilter },
    };
    const orderKeys = ['id', '_createdAt', '_updatedAt', '_publishedAt', 'position'];
    const recordFields: Record<string, Field> = {
      ...systemFields(),
      position: { type: nonNull(GraphQLInt), resolve: (r) => r.item.position },
      parent: { type: RecordInterface, resolve: (r, _a, ctx) => ctx.reader.related(r.item.parentId) },
    };
    for (const field of model.fields) {
      const name = camelCase(field.api_key);
      const read = (r: DeliveredRecord) => {
        const value = r.values[field.api_key];
        return conforms(field.field_type, value) ? value : null;
      };
      filterFields[name] = { type: t.FILTERS[field.field_type] };
      if (ORDERABLE.has(field.field_type)) orderKeys.push(name);
      recordFields[name] =
        field.field_type === 'link'
          ? { type: RecordInterface, resolve: (r, _a, ctx) => ctx.reader.related((read(r) as string | null) ?? null) }
          : field.field_type === 'links'
            ? {
                type: nonNull(new GraphQLList(nonNull(RecordInterface))),
                // Records the reader may not see drop out of the list, as a single link reads null.
                resolve: async (r, _a, ctx) => {
                  const linked = await Promise.all(((read(r) as string[] | null) ?? []).map((id) => ctx.reader.related(id)));
                  return linked.filter((record) => record !== null);
                },
              }
            : { type: t.OUTPUT[field.field_type], resolve: read };
    }
    if (model.tree) {
      recordFields.children = { type: nonNull(new GraphQLList(nonNull(RecordInterface))), resolve: (r, _a, ctx) => ctx.reader.children(r.item.id) };
    }

    const filterType: GraphQLInputObjectType = new GraphQLInputObjectType({
      name: names.filterName,
      fields: () => ({ ...filterFields, AND: { type: new GraphQLList(nonNull(filterType)) }, OR: { type: new GraphQLList(nonNull(filterType)) } }),
    });
    const orderType = new GraphQLEnumType({
      name: names.orderName,
      values: Object.fromEntries(orderKeys.flatMap((k) => [`${k}_ASC`, `${k}_DESC`]).map((v) => [v, { value: v }])),
    });
    const objectType = new GraphQLObjectType<DeliveredRecord, DeliveryContext>({
      name: names.typeName,
      interfaces: [RecordInterface],
      fields: recordFields,
    });
    objectTypes.push(objectType);

    type ListArgs = { first?: number | null; skip?: number | null; filter?: RecordFilter | null; orderBy?: string[] | null };
    const page = (ctx: DeliveryContext, args: ListArgs, offset: number, limit: number) => {
      const where = toCondition(args.filter, refs);
      return ctx.reader.page(model.id, { ...(where ? { where } : {}), orderBy: toOrder(args.orderBy, refs), offset, limit });
    };

    queryFields[names.single] = {
      type: objectType,
      args: { id: { type: GraphQLID }, filter: { type: filterType } },
      resolve: async (_root, args: { id?: string | null; filter?: RecordFilter | null }, ctx) => {
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
      type: nonNull(new GraphQLList(nonNull(objectType))),
      args: {
        first: { type: GraphQLInt, defaultValue: DEFAULT_FIRST },
        skip: { type: GraphQLInt, defaultValue: 0 },
        filter: { type: filterType },
        orderBy: { type: new GraphQLList(nonNull(orderType)) },
      },
      resolve: async (_root, args: ListArgs, ctx) => {
        const { first, skip } = pageArgs(args);
        return page(ctx, args, skip, first);
      },
    };
    queryFields[names.meta] = {
      type: nonNull(t.CollectionMetadata),
      args: { filter: { type: filterType } },
      resolve: async (_root, args: ListArgs, ctx) => ({ count: await ctx.reader.count(model.id, toCondition(args.filter, refs)) }),
    };
  }

  return new GraphQLSchema({
    query: new GraphQLObjectType({ name: 'Query', fields: queryFields }),
    types: objectTypes,
  });
}
