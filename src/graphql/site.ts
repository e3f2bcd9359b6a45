/**
 * @module
 * `_site` and `_seoMetaTags`, as DatoCMS's "SEO and favicon" queries read them. Latchkey has no
 * global SEO settings, favicon or localisation: `_site` answers with what the project does have
 * (its name as the site name and fallback title, its one locale), and a record's meta tags are
 * built from its first `seo` field, when it has one, in DatoCMS's `{ tag, attributes, content }`
 * shape. The types are made once, at module load.
 */
import { GraphQLList, GraphQLNonNull, GraphQLObjectType, GraphQLString } from 'graphql';
import type { FieldDefinition } from '../core/content/model.ts';
import {
  BooleanTypeScalar,
  FaviconTypeEnum,
  FileField,
  LOCALE_ARGS,
  LOCALES,
  SeoField,
  SiteLocaleEnum,
  TagList,
  type MetaTag,
  type SeoValue,
} from './scalars.ts';

/** What `_site` resolves to; its fields read from it. */
export interface SiteValue {
  readonly name: string;
}

const GlobalSeoField = new GraphQLObjectType<SiteValue>({
  name: 'GlobalSeoField',
  fields: {
    siteName: { type: GraphQLString, resolve: (site) => site.name },
    titleSuffix: { type: GraphQLString, resolve: () => null },
    facebookPageUrl: { type: GraphQLString, resolve: () => null },
    twitterAccount: { type: GraphQLString, resolve: () => null },
    fallbackSeo: { type: SeoField, resolve: (site): SeoValue => ({ title: site.name }) },
  },
});

export const SiteType = new GraphQLObjectType<SiteValue>({
  name: 'Site',
  fields: {
    name: { type: new GraphQLNonNull(GraphQLString), description: 'The project name (Latchkey; DatoCMS has `globalSeo { siteName }`).' },
    locales: { type: new GraphQLNonNull(new GraphQLList(new GraphQLNonNull(SiteLocaleEnum))), resolve: () => LOCALES },
    globalSeo: { type: GlobalSeoField, args: LOCALE_ARGS, resolve: (site) => site },
    favicon: { type: FileField, resolve: () => null },
    faviconMetaTags: { type: TagList, args: { variants: { type: new GraphQLList(FaviconTypeEnum) } }, resolve: () => [] },
    noIndex: { type: BooleanTypeScalar, resolve: () => false },
  },
});

const meta = (key: 'name' | 'property', name: string, content: string): MetaTag => ({ tag: 'meta', attributes: { [key]: name, content }, content: null });

/**
 * The meta tags of a record: title, description and twitter card from its SEO value (when the
 * model has an `seo` field and the record a value in it), plus the locale, type and modification
 * time DatoCMS always adds.
 */
export function seoMetaTags(seo: SeoValue | null, updatedAt: string): MetaTag[] {
  const tags: MetaTag[] = [];
  if (seo?.title)
    tags.push({ tag: 'title', attributes: null, content: seo.title }, meta('property', 'og:title', seo.title), meta('name', 'twitter:title', seo.title));
  if (seo?.description) {
    tags.push(
      meta('name', 'description', seo.description),
      meta('property', 'og:description', seo.description),
      meta('name', 'twitter:description', seo.description),
    );
  }
  if (seo?.no_index) tags.push(meta('name', 'robots', 'noindex'));
  tags.push(meta('property', 'og:locale', LOCALES[0]), meta('property', 'og:type', 'article'), meta('property', 'article:modified_time', updatedAt));
  tags.push(meta('name', 'twitter:card', seo?.twitter_card ?? 'summary'));
  return tags;
}

/** The field a model's meta tags come from: its first `seo` field. */
export function seoFieldOf(fields: readonly FieldDefinition[]): FieldDefinition | null {
  return fields.find((f) => f.field_type === 'seo') ?? null;
}
