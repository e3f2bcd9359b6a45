/**
 * @module
 * What the content use cases need from storage. Part of the core's {@link Store}.
 */
import type { Creator, FieldDefinition, FieldRefs, FieldValues, Item, ItemStatus, ItemType, ItemTypeSettings, NewField } from './model.ts';
import type { ItemSearch } from './query.ts';

/** A model's own attributes; its fields are rows of their own, written with the field methods. */
export interface NewItemType {
  readonly name: string;
  readonly apiKey: string;
  readonly tree: boolean;
  readonly draftModeActive: boolean;
  readonly singleton: boolean;
  readonly settings: ItemTypeSettings;
  readonly fieldRefs: FieldRefs;
}

export interface NewItem {
  readonly itemTypeId: string;
  readonly parentId: string | null;
  readonly position: number;
  readonly current: FieldValues;
  readonly creator: Creator;
  readonly createdAt: string;
  /** Published as it is created (a model without draft mode): both versions hold the values. */
  readonly published?: boolean;
}

export interface ItemPatch {
  readonly parentId?: string | null;
  readonly position?: number;
  readonly current?: FieldValues;
  readonly published?: FieldValues | null;
  readonly status?: ItemStatus;
  readonly publishedAt?: string | null;
  readonly updatedAt: string;
}

/**
 * Structural filters for the use cases' own bookkeeping (a new record's position, whether a
 * record or model still has records). Reads on a caller's behalf go through `ItemSearch`, which
 * carries the read rule.
 */
export interface ItemQuery {
  readonly itemTypeIds?: readonly string[];
  readonly ids?: readonly string[];
  /** `null`: top-level items (websites) only. */
  readonly parentId?: string | null;
}

/** The outcome of a background job, kept for its creator to read (DatoCMS's `job_result`). */
export interface JobResult {
  /** Unguessable: random, not sequential. */
  readonly id: string;
  /** The token that started the job; only it may read the result. */
  readonly ownerTokenId: string;
  /** The HTTP status the job's request would have answered. */
  readonly status: number;
  /** The document it would have answered. */
  readonly payload: Readonly<Record<string, unknown>>;
  readonly createdAt: string;
  readonly expiresAt: string;
}

export interface ContentStore {
  listItemTypes(): Promise<ItemType[]>;
  findItemType(id: string): Promise<ItemType | null>;
  createItemType(itemType: NewItemType, now: string): Promise<ItemType>;
  updateItemType(id: string, itemType: NewItemType, now: string): Promise<ItemType | null>;
  deleteItemType(id: string): Promise<boolean>;
  /** Each field write announces a schema change, as model writes do. */
  createField(itemTypeId: string, field: NewField): Promise<FieldDefinition>;
  updateField(id: string, field: NewField): Promise<FieldDefinition | null>;
  deleteField(id: string): Promise<boolean>;
  /** Drops one field's values from every record of a model, current and published. */
  clearFieldValues(itemTypeId: string, apiKey: string): Promise<void>;
  /** Moves one field's values to a new key in every record of a model, current and published. */
  renameFieldValues(itemTypeId: string, from: string, to: string): Promise<void>;
  /** How many records of a model other than `exceptId` hold `value` in the field (current version). */
  countWithValue(itemTypeId: string, apiKey: string, value: unknown, exceptId: string | null): Promise<number>;
  countItems(query: ItemQuery): Promise<number>;
  /** Ordered by id (creation order). */
  listItems(query: ItemQuery): Promise<Item[]>;
  findItem(id: string): Promise<Item | null>;
  /** The records of a search, filtered, ordered and paginated by the database. */
  searchItems(search: ItemSearch): Promise<Item[]>;
  /** How many records a search matches, ignoring its order and page. */
  countSearch(search: ItemSearch): Promise<number>;
  /** The role `on_creator: role` compares: an access token's own, else its base user's; a user's. */
  creatorRole(creator: Creator): Promise<string | null>;
  createItem(item: NewItem): Promise<Item>;
  /** A new `parentId` moves the whole subtree; callers run it inside a transaction. */
  updateItem(id: string, patch: ItemPatch): Promise<Item | null>;
  deleteItem(id: string): Promise<boolean>;
  /** Stores a job's result, dropping results that expired before `result.createdAt`. */
  saveJobResult(result: JobResult): Promise<void>;
  /** A job's result, unless it expired before `now`. */
  findJobResult(id: string, now: string): Promise<JobResult | null>;
  /** Moves every record created by `from` to `to`; returns how many moved. */
  reassignItems(from: Creator, to: Creator): Promise<number>;
}
