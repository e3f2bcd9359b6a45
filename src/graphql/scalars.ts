/**
 * @module
 * Shared GraphQL types, named as DatoCMS's Content Delivery API names them so that queries written
 * for DatoCMS validate unchanged: its scalars (`ItemId`, `IntType`, `FloatType`, `BooleanType`,
 * `DateTime`, `Date`, `JsonField`, …), the filter input per field type and per system value, the
 * output types of structured fields (`ColorField`, `LatLonField`, `SeoField`), meta tags and the
 * `_site` object. Every type here is made once, at module load: schemas built per model version
 * reuse them. Dates are compared as normalised strings, so filters and ordering need no date
 * arithmetic in SQL.
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
  valueFromASTUntyped,
  type GraphQLInputType,
} from 'graphql';
import type { FieldType } from '../core/content/model.ts';

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** A built-in scalar's coercion under DatoCMS's name: `$first: IntType` validates, `$first: Int` does not. */
function renamed(of: GraphQLScalarType, name: string, description: string): GraphQLScalarType {
  const { specifiedByURL: _url, ...config } = of.toConfig();
  return new GraphQLScalarType({ ...config, name, description });
}

/** An id, as a string; an integer is taken too (as GraphQL's `ID` takes it). */
function idScalar(name: string, description: string): GraphQLScalarType {
  const parse = (value: unknown) => {
    if (typeof value === 'string') return value;
    if (typeof value === 'number' && Number.isInteger(value)) return String(value);
    throw new GraphQLError(`${name} cannot represent ${JSON.stringify(value) ?? String(value)}: an id is a string`);
  };
  return new GraphQLScalarType({
    name,
    description,
    serialize: (value) => String(value),
    parseValue: parse,
    parseLiteral: (ast) => parse(ast.kind === Kind.STRING ? ast.value : ast.kind === Kind.INT ? Number(ast.value) : valueFromASTUntyped(ast)),
  });
}

export const ItemIdScalar = idScalar('ItemId', 'The id of a record.');
export const UploadIdScalar = idScalar('UploadId', 'The id of an upload (Latchkey stores no files: an SEO image only reads back the id it was given).');
export const IntTypeScalar = renamed(GraphQLInt, 'IntType', 'A signed 32-bit integer.');
export const FloatTypeScalar = renamed(GraphQLFloat, 'FloatType', 'A double-precision number.');
export const BooleanTypeScalar = renamed(GraphQLBoolean, 'BooleanType', '`true` or `false`.');

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

function jsonScalar(name: string, description: string, objectsOnly: boolean) {
  const check = (value: unknown) => {
    if (objectsOnly && (value === null || typeof value !== 'object' || Array.isArray(value))) throw new GraphQLError(`${name} must be a JSON object`);
    return value;
  };
  return new GraphQLScalarType({
    name,
    description,
    serialize: (value) => value,
    parseValue: check,
    parseLiteral: (ast, variables) => check(valueFromASTUntyped(ast, variables)),
  });
}

export const JsonScalar = jsonScalar('JsonField', 'Any JSON value, as stored.', false);
export const CustomDataScalar = jsonScalar('CustomData', 'A JSON object of string values (DatoCMS custom data).', true);
export const MetaTagAttributesScalar = jsonScalar('MetaTagAttributes', 'The attributes of a meta tag, as a JSON object.', true);

/**
 * Every scalar the schema declares, used or not, so that variables typed with any of them are
 * known types. GraphQL's own `ID`, `Int` and `Float` are declared too, although no argument takes
 * them: a query written for them (`$id: ID` into `article(id:)`) then fails validation with
 * graphql-js's clear "Variable "$id" of type "ID" used in position expecting type "ItemId"" rather
 * than "Unknown type".
 */
export const SCALARS = [
  ItemIdScalar,
  UploadIdScalar,
  IntTypeScalar,
  FloatTypeScalar,
  BooleanTypeScalar,
  DateTimeScalar,
  DateScalar,
  JsonScalar,
  CustomDataScalar,
  MetaTagAttributesScalar,
  GraphQLID,
  GraphQLInt,
  GraphQLFloat,
];

export const ItemStatusEnum = new GraphQLEnumType({
  name: 'ItemStatus',
  values: { draft: { value: 'draft' }, published: { value: 'published' }, updated: { value: 'updated' } },
});

/**
 * The project's locales. Latchkey has no localisation: every value has one language, the one
 * named here, which DatoCMS's `locale` and `fallbackLocales` arguments may name (any other is a
 * validation error naming the enum) and `_site { locales }` lists.
 */
export const LOCALES = ['en'] as const;
export const SiteLocaleEnum = new GraphQLEnumType({ name: 'SiteLocale', values: Object.fromEntries(LOCALES.map((l) => [l, { value: l }])) });

export const CollectionMetadata = new GraphQLObjectType({
  name: 'CollectionMetadata',
  fields: { count: { type: new GraphQLNonNull(IntTypeScalar) } },
});

/** `[T]`: DatoCMS's list arguments take nullable entries (a null entry is ignored). */
const list = (t: GraphQLInputType) => new GraphQLList(t);

/** Substring match (never a regular expression: a client-supplied pattern must not cost us a ReDoS). */
const StringMatchesFilter = new GraphQLInputObjectType({
  name: 'StringMatchesFilter',
  fields: {
    pattern: { type: new GraphQLNonNull(GraphQLString) },
    caseSensitive: { type: BooleanTypeScalar, defaultValue: false },
    regexp: {
      type: BooleanTypeScalar,
      defaultValue: false,
      description: 'Only `false`: `true` is refused (a client-supplied regular expression could run unbounded).',
    },
  },
});

const LatLonNearFilter = new GraphQLInputObjectType({
  name: 'LatLonNearFilter',
  fields: {
    latitude: { type: new GraphQLNonNull(FloatTypeScalar) },
    longitude: { type: new GraphQLNonNull(FloatTypeScalar) },
    radius: { type: new GraphQLNonNull(FloatTypeScalar), description: 'In metres.' },
  },
});

function filterType(name: string, description: string, of: GraphQLInputType, ops: readonly string[], listEq = false) {
  const fields: Record<string, { type: GraphQLInputType }> = {};
  for (const op of ops) {
    if (op === 'in' || op === 'notIn' || op === 'anyIn' || op === 'allIn' || (op === 'eq' && listEq)) fields[op] = { type: list(of) };
    else if (op === 'exists' || op === 'isBlank' || op === 'isPresent') fields[op] = { type: BooleanTypeScalar };
    else if (op === 'matches' || op === 'notMatches') fields[op] = { type: StringMatchesFilter };
    else if (op === 'near') fields[op] = { type: LatLonNearFilter };
    else fields[op] = { type: of };
  }
  return new GraphQLInputObjectType({ name, description, fields });
}

const ORDERED = ['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'exists'] as const;
const EXISTS = ['exists'] as const;
const timestampFilter = (name: string, what: string) => filterType(name, `Specifies how to filter by ${what}`, DateTimeScalar, ORDERED);

export const BooleanFilter = filterType('BooleanFilter', 'Specifies how to filter Boolean fields', BooleanTypeScalar, ['eq']);
export const FILTERS: Record<FieldType, GraphQLInputObjectType> = {
  string: filterType('StringFilter', 'Specifies how to filter Single-line string fields', GraphQLString, [
    'eq',
    'neq',
    'in',
    'notIn',
    'matches',
    'notMatches',
    'isBlank',
    'isPresent',
    'exists',
  ]),
  text: filterType('TextFilter', 'Specifies how to filter text fields', GraphQLString, ['matches', 'notMatches', 'isBlank', 'isPresent', 'exists']),
  integer: filterType('IntegerFilter', 'Specifies how to filter Integer fields', IntTypeScalar, ORDERED),
  float: filterType('FloatFilter', 'Specifies how to filter Floating-point fields', FloatTypeScalar, ORDERED),
  boolean: BooleanFilter,
  date: filterType('DateFilter', 'Specifies how to filter Date fields', DateScalar, ORDERED),
  date_time: filterType('DateTimeFilter', 'Specifies how to filter DateTime fields', DateTimeScalar, ORDERED),
  json: filterType('JsonFilter', 'Specifies how to filter JSON fields', BooleanTypeScalar, EXISTS),
  link: filterType('LinkFilter', 'Specifies how to filter Single-link fields', ItemIdScalar, ['eq', 'neq', 'in', 'notIn', 'exists']),
  links: filterType('LinksFilter', 'Specifies how to filter Multiple-links fields', ItemIdScalar, ['eq', 'anyIn', 'allIn', 'notIn', 'exists'], true),
  slug: filterType('SlugFilter', 'Specifies how to filter Slug fields', GraphQLString, ['eq', 'neq', 'in', 'notIn']),
  color: filterType('ColorFilter', 'Specifies how to filter Color fields', BooleanTypeScalar, EXISTS),
  lat_lon: filterType('LatLonFilter', 'Specifies how to filter Geolocation fields', BooleanTypeScalar, ['near', 'exists']),
  seo: filterType('SeoFilter', 'Specifies how to filter SEO meta tags fields', BooleanTypeScalar, EXISTS),
};
export const CreatedAtFilter = timestampFilter('CreatedAtFilter', 'creation datetime');
export const UpdatedAtFilter = timestampFilter('UpdatedAtFilter', 'update datetime');
export const PublishedAtFilter = timestampFilter('PublishedAtFilter', 'publication datetime');
export const ItemIdFilter = filterType('ItemIdFilter', 'Specifies how to filter by ID', ItemIdScalar, ['eq', 'neq', 'in', 'notIn']);
export const StatusFilter = filterType('StatusFilter', 'Specifies how to filter by status', ItemStatusEnum, ['eq', 'neq', 'in', 'notIn']);
export const ParentFilter = filterType('ParentFilter', 'Specifies how to filter by parent (tree-like collections only)', ItemIdScalar, ['eq', 'exists']);
export const PositionFilter = filterType('PositionFilter', 'Specifies how to filter by position (sorted and tree-like collections)', IntTypeScalar, [
  'eq',
  'neq',
  'gt',
  'gte',
  'lt',
  'lte',
]);

const int = { type: new GraphQLNonNull(IntTypeScalar) };
const hex = (n: number) => n.toString(16).padStart(2, '0');
interface Rgba {
  readonly red: number;
  readonly green: number;
  readonly blue: number;
  readonly alpha: number;
}
export const ColorField = new GraphQLObjectType<Rgba>({
  name: 'ColorField',
  fields: {
    red: int,
    green: int,
    blue: int,
    alpha: int,
    hex: { type: new GraphQLNonNull(GraphQLString), resolve: (c) => `#${hex(c.red)}${hex(c.green)}${hex(c.blue)}` },
    cssRgb: {
      type: new GraphQLNonNull(GraphQLString),
      resolve: (c) =>
        c.alpha === 255 ? `rgb(${c.red}, ${c.green}, ${c.blue})` : `rgba(${c.red}, ${c.green}, ${c.blue}, ${Math.round((c.alpha / 255) * 100) / 100})`,
    },
  },
});

export const LatLonField = new GraphQLObjectType({
  name: 'LatLonField',
  fields: { latitude: { type: new GraphQLNonNull(FloatTypeScalar) }, longitude: { type: new GraphQLNonNull(FloatTypeScalar) } },
});

/** An upload reference. Latchkey stores no files, so it knows only the id it was given. */
export const FileField = new GraphQLObjectType<string>({
  name: 'FileField',
  fields: { id: { type: new GraphQLNonNull(UploadIdScalar), resolve: (id) => id } },
});

/** A stored SEO value (`twitter_card`, `no_index`) in DatoCMS's GraphQL names. */
export interface SeoValue {
  readonly title?: string | null;
  readonly description?: string | null;
  readonly image?: string | null;
  readonly twitter_card?: string | null;
  readonly no_index?: boolean | null;
}
export const SeoField = new GraphQLObjectType<SeoValue>({
  name: 'SeoField',
  fields: {
    title: { type: GraphQLString, resolve: (s) => s.title ?? null },
    description: { type: GraphQLString, resolve: (s) => s.description ?? null },
    image: { type: FileField, resolve: (s) => s.image ?? null },
    twitterCard: { type: GraphQLString, resolve: (s) => s.twitter_card ?? null },
    noIndex: { type: BooleanTypeScalar, resolve: (s) => s.no_index ?? null },
  },
});

export interface MetaTag {
  readonly tag: string;
  readonly attributes: Readonly<Record<string, string>> | null;
  readonly content: string | null;
}
export const Tag = new GraphQLObjectType<MetaTag>({
  name: 'Tag',
  fields: { tag: { type: new GraphQLNonNull(GraphQLString) }, attributes: { type: MetaTagAttributesScalar }, content: { type: GraphQLString } },
});
export const TagList = new GraphQLNonNull(new GraphQLList(new GraphQLNonNull(Tag)));

export const FaviconTypeEnum = new GraphQLEnumType({
  name: 'FaviconType',
  values: { icon: { value: 'icon' }, appleTouchIcon: { value: 'appleTouchIcon' }, msApplication: { value: 'msApplication' } },
});

/** The arguments DatoCMS takes wherever a value could be localised. */
export const LOCALE_ARGS = {
  locale: { type: SiteLocaleEnum },
  fallbackLocales: { type: new GraphQLList(new GraphQLNonNull(SiteLocaleEnum)) },
};

export const OUTPUT: Record<Exclude<FieldType, 'link' | 'links'>, GraphQLScalarType | GraphQLObjectType> = {
  string: GraphQLString,
  text: GraphQLString,
  integer: IntTypeScalar,
  float: FloatTypeScalar,
  boolean: BooleanTypeScalar,
  date: DateScalar,
  date_time: DateTimeScalar,
  json: JsonScalar,
  slug: GraphQLString,
  color: ColorField,
  lat_lon: LatLonField,
  seo: SeoField,
};
