/**
 * @module
 * Content records: item types (models) with typed fields, and items (records) that live in one
 * content tree. Timestamps are ISO-8601 strings in UTC; ids are strings.
 */

/** DatoCMS's field type names, as its API and clients spell them. */
export const FIELD_TYPES = [
  'string',
  'text',
  'integer',
  'float',
  'boolean',
  'date',
  'date_time',
  'json',
  'link',
  'links',
  'slug',
  'color',
  'lat_lon',
  'seo',
] as const;
export type FieldType = (typeof FIELD_TYPES)[number];

export interface FieldDefinition {
  readonly api_key: string;
  readonly label: string;
  readonly field_type: FieldType;
  readonly required: boolean;
}

export interface ItemType {
  readonly id: string;
  readonly name: string;
  readonly apiKey: string;
  readonly fields: readonly FieldDefinition[];
  /** Items of a tree model may have children (of any model). */
  readonly tree: boolean;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export type ItemStatus = 'draft' | 'published' | 'updated';
/** Who created a record; `account` is the project owner (DatoCMS destination `account`/`organization`). */
export type CreatorType = 'access_token' | 'user' | 'account';

export interface Creator {
  readonly type: CreatorType;
  readonly id: string;
}

export type FieldValues = Readonly<Record<string, unknown>>;

export interface Item {
  readonly id: string;
  readonly itemTypeId: string;
  readonly parentId: string | null;
  readonly position: number;
  /** Ids of the item's ancestors from the top-level website down, then the item itself. */
  readonly pathIds: readonly string[];
  readonly current: FieldValues;
  readonly published: FieldValues | null;
  readonly status: ItemStatus;
  readonly creator: Creator;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly publishedAt: string | null;
  /** The first publication, kept when the record is unpublished (DatoCMS `meta.first_published_at`). */
  readonly firstPublishedAt: string | null;
  /** Counts the record's saves from 1; DatoCMS's `meta.current_version` (as a string). */
  readonly version: number;
}

/** Which version of an item a reader sees: the CMA edits `current`, the CDA serves `published`. */
export type ContentVersion = 'current' | 'published';
