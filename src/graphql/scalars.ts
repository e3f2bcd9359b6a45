/**
 * @module
 * Shared GraphQL types: scalars, the record interface, and the filter inputs per field type
 * (DatoCMS-style names). Dates are compared as normalised strings, so filters and ordering need no
 * date arithmetic.
 */
import {
  GraphQLBoolean,
  GraphQLEnumType,
  GraphQLError,
  GraphQLFloat,
  GraphQLID,
  GraphQLInputObjectType,
  GraphQLInt,
  GraphQLList,
  GraphQLNonNull,
  GraphQLObjectType,
  GraphQLScalarType,
  GraphQLString,
  Kind,
  type GraphQLInputType,
} from 'graphql';
import type { FieldType } from '../core/content/model.ts';

const DATE = /^\d{4}-\d{2}-\d{2}$/;

function dateScalar(name: string, description: string, normalise: (text: string) => string | null) {
  const parse = (value: unknown) => {
    const out = typeof value === 'string' ? normalise(value) : null;
    if (out === null) throw new GraphQLError(`${name} cannot represent ${JSON.stringify(value)}`);
    return out;
  };
  return new GraphQLScalarType({
    name,
    description,
    serialize: (value) => value,
    parseValue: parse,
    parseLiteral: (ast) => parse(ast.kind === Kind.STRING ? ast.value : undefined),
  });
}

export const DateTimeScalar = dateScalar('DateTime', 'ISO-8601 date-time, returned in UTC.', (text) => {
  const ms = Date.parse(text);
  return /^\d{4}-\d{2}-\d{2}T/.test(text) && !Number.isNaN(ms) ? new Date(ms).toISOString() : null;
});
export const DateScalar = dateScalar('Date', 'Calendar date, YYYY-MM-DD.', (text) =>
  DATE.test(text) && !Number.isNaN(Date.parse(`${text}T00:00:00Z`)) ? text : null,
);

export const JsonScalar = new GraphQLScalarType({
  name: 'JsonField',
  description: 'Any JSON value, as stored.',
  serialize: (value) => value,
});

export const ItemStatusEnum = new GraphQLEnumType({
  name: 'ItemStatus',
  values: { draft: { value: 'draft' }, published: { value: 'published' }, updated: { value: 'updated' } },
});

export const CollectionMetadata = new GraphQLObjectType({
  name: 'CollectionMetadata',
  fields: { count: { type: new GraphQLNonNull(GraphQLInt) } },
});

const list = (t: GraphQLInputType) => new GraphQLList(new GraphQLNonNull(t));

function filterType(name: string, of: GraphQLInputType, ops: readonly string[]) {
  const fields: Record<string, { type: GraphQLInputType }> = {};
  for (const op of ops) {
    if (op === 'in' || op === 'notIn') fields[op] = { type: list(of) };
    else if (op === 'exists') fields[op] = { type: GraphQLBoolean };
    else if (op === 'matches') fields[op] = { type: MatchesFilter };
    else fields[op] = { type: of };
  }
  return new GraphQLInputObjectType({ name, fields });
}

/** Substring match (never a regular expression: a client-supplied pattern must not cost us a ReDoS). */
const MatchesFilter = new GraphQLInputObjectType({
  name: 'StringMatchesFilter',
  fields: { pattern: { type: new GraphQLNonNull(GraphQLString) }, caseSensitive: { type: GraphQLBoolean, defaultValue: false } },
});

const ORDERED = ['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'exists'] as const;
export const FILTERS: Record<FieldType, GraphQLInputObjectType> = {
  string: filterType('StringFilter', GraphQLString, ['eq', 'neq', 'in', 'notIn', 'matches', 'exists']),
  text: filterType('TextFilter', GraphQLString, ['matches', 'exists']),
  integer: filterType('IntegerFilter', GraphQLInt, ORDERED),
  float: filterType('FloatFilter', GraphQLFloat, ORDERED),
  boolean: filterType('BooleanFilter', GraphQLBoolean, ['eq']),
  date: filterType('DateFilter', DateScalar, ORDERED),
  date_time: filterType('DateTimeFilter', DateTimeScalar, ORDERED),
  json: filterType('JsonFilter', GraphQLBoolean, ['exists']),
  link: filterType('LinkFilter', GraphQLID, ['eq', 'neq', 'in', 'notIn', 'exists']),
  links: filterType('LinksFilter', GraphQLBoolean, ['exists']),
  slug: filterType('SlugFilter', GraphQLString, ['eq', 'neq', 'in', 'notIn', 'exists']),
  color: filterType('ColorFilter', GraphQLBoolean, ['exists']),
  lat_lon: filterType('LatLonFilter', GraphQLBoolean, ['exists']),
  seo: filterType('SeoFilter', GraphQLBoolean, ['exists']),
};
export const ItemIdFilter = filterType('ItemIdFilter', GraphQLID, ['eq', 'neq', 'in', 'notIn']);
export const StatusFilter = filterType('StatusFilter', ItemStatusEnum, ['eq', 'neq', 'in', 'notIn']);
export const ParentFilter = filterType('ParentFilter', GraphQLID, ['eq', 'exists']);
export const PositionFilter = filterType('PositionFilter', GraphQLInt, ORDERED);

export const OUTPUT: Record<Exclude<FieldType, 'link' | 'links'>, GraphQLScalarType> = {
  string: GraphQLString,
  text: GraphQLString,
  integer: GraphQLInt,
  float: GraphQLFloat,
  boolean: GraphQLBoolean,
  date: DateScalar,
  date_time: DateTimeScalar,
  json: JsonScalar,
  slug: GraphQLString,
  color: JsonScalar,
  lat_lon: JsonScalar,
  seo: JsonScalar,
};
