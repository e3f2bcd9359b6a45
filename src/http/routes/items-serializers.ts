/**
 * @module
 * Item types and items in DatoCMS's JSON:API shape: field values are attributes, `item_type` and
 * `creator` are relationships, the lifecycle lives in `meta`.
 */
import { satisfiesModel } from '../../core/content/items.ts';
import { FIELD_REFS, type ContentVersion, type FieldDefinition, type Item, type ItemType } from '../../core/content/model.ts';
import { ref } from '../jsonapi.ts';

/**
 * A model as DatoCMS answers it. Its fields are an ordered relationship, never an attribute: the
 * client flattens attributes and relationships into one object, so the two would collide.
 */
export function serializeItemType(itemType: ItemType, hasSingletonItem: boolean) {
  return {
    type: 'item_type' as const,
    id: itemType.id,
    attributes: {
      name: itemType.name,
      api_key: itemType.apiKey,
      ...itemType.settings,
      singleton: itemType.singleton,
      modular_block: false,
      draft_mode_active: itemType.draftModeActive,
      tree: itemType.tree,
      has_singleton_item: hasSingletonItem,
      created_at: itemType.createdAt,
      updated_at: itemType.updatedAt,
    },
    relationships: {
      fields: { data: itemType.fields.map((f) => ({ type: 'field' as const, id: f.id })) },
      fieldsets: { data: [] },
      ...Object.fromEntries(FIELD_REFS.map((r) => [r, ref('field', itemType.fieldRefs[r])])),
      workflow: { data: null },
    },
    meta: { has_singleton_item: hasSingletonItem },
  };
}

/** A field as DatoCMS answers it, with its model as relationship. */
export function serializeField(field: FieldDefinition, itemTypeId: string) {
  const { id, ...attributes } = field;
  return {
    type: 'field' as const,
    id,
    attributes: { ...attributes, deep_filtering_enabled: false },
    relationships: {
      item_type: { data: { type: 'item_type' as const, id: itemTypeId } },
      fieldset: { data: null },
    },
  };
}

/** Values of the model's current fields only: a field removed from the model disappears from its records. */
export function serializeItem(item: Item, itemType: ItemType | undefined, version: ContentVersion = 'current') {
  const values = (version === 'published' ? item.published : item.current) ?? {};
  const attributes: Record<string, unknown> = {};
  for (const field of itemType?.fields ?? []) attributes[field.api_key] = values[field.api_key] ?? null;
  // Field api keys never name these two (they are reserved), so nothing is overwritten.
  attributes.parent_id = item.parentId;
  attributes.position = item.position;
  const valid = itemType ? satisfiesModel(itemType, item.current) : false;
  // A `published` record's two versions hold the same values (see lifecycle.ts), so one check
  // answers for both; only an `updated` record has a published version of its own to check.
  const publishedValid = item.published === null ? null : item.status === 'published' ? valid : itemType ? satisfiesModel(itemType, item.published) : false;
  return {
    type: 'item' as const,
    id: item.id,
    attributes,
    relationships: {
      item_type: { data: { type: 'item_type' as const, id: item.itemTypeId } },
      creator: { data: { type: item.creator.type, id: item.creator.id } },
    },
    meta: {
      created_at: item.createdAt,
      updated_at: item.updatedAt,
      published_at: item.publishedAt,
      first_published_at: item.firstPublishedAt,
      current_version: String(item.version),
      status: item.status,
      is_valid: valid,
      is_current_version_valid: valid,
      is_published_version_valid: publishedValid,
      publication_scheduled_at: null,
      unpublishing_scheduled_at: null,
      stage: null,
    },
  };
}
