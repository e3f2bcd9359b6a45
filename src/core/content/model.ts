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

/**
 * A field's validators, keyed by DatoCMS's validator names (`required`, `length`, …), each with
 * its parameters; checked against the field type when the field is written (see `validators.ts`).
 */
export type Validators = Readonly<Record<string, Readonly<Record<string, unknown>>>>;

/** How DatoCMS's editor shows a field; kept and returned, not acted on. */
export interface FieldAppearance {
  readonly editor: string;
  readonly parameters: Readonly<Record<string, unknown>>;
  readonly addons: readonly Readonly<Record<string, unknown>>[];
  readonly field_extension?: string;
}

/** A model's field, with DatoCMS's attribute names. */
export interface FieldDefinition {
  readonly id: string;
  readonly api_key: string;
  readonly label: string;
  readonly field_type: FieldType;
  readonly validators: Validators;
  /** From 1, in the order the model lists its fields. */
  readonly position: number;
  readonly hint: string | null;
  readonly default_value: unknown;
  /** One locale per project: never localised. */
  readonly localized: false;
  readonly appearance: FieldAppearance;
}

/** A field as written: everything but the id the store gives it. */
export type NewField = Omit<FieldDefinition, 'id'>;

/** The model attributes DatoCMS has that Latchkey keeps and returns (ordering acts on lists of models). */
export interface ItemTypeSettings {
  readonly sortable: boolean;
  readonly all_locales_required: boolean;
  readonly collection_appearance: 'compact' | 'table';
  readonly hint: string | null;
  readonly inverse_relationships_enabled: boolean;
  readonly draft_saving_active: boolean;
  readonly ordering_direction: 'asc' | 'desc' | null;
  readonly ordering_meta: 'created_at' | 'updated_at' | 'first_published_at' | 'published_at' | null;
}

/** The model's relationships to its own fields (field ids, or null), as DatoCMS names them. */
export const FIELD_REFS = [
  'ordering_field',
  'title_field',
  'image_preview_field',
  'excerpt_field',
  'presentation_title_field',
  'presentation_image_field',
] as const;
export type FieldRef = (typeof FIELD_REFS)[number];
export type FieldRefs = Readonly<Record<FieldRef, string | null>>;

/** DatoCMS's defaults for a new model (draft mode off: records are live when saved). */
export const DEFAULT_SETTINGS: ItemTypeSettings = {
  sortable: false,
  all_locales_required: true,
  collection_appearance: 'table',
  hint: null,
  inverse_relationships_enabled: false,
  draft_saving_active: false,
  ordering_direction: null,
  ordering_meta: null,
};
export const NO_FIELD_REFS: FieldRefs = Object.fromEntries(FIELD_REFS.map((r) => [r, null])) as FieldRefs;

export interface ItemType {
  readonly id: string;
  readonly name: string;
  readonly apiKey: string;
  /** In position order. */
  readonly fields: readonly FieldDefinition[];
  /** Items of a tree model may have children (of any model). */
  readonly tree: boolean;
  /** With draft mode, a save leaves a draft to publish; without it, every save is published. */
  readonly draftModeActive: boolean;
  /** A singleton model holds at most one record. */
  readonly singleton: boolean;
  readonly settings: ItemTypeSettings;
  readonly fieldRefs: FieldRefs;
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
