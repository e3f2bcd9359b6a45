/**
 * @module
 * Item types and items in DatoCMS's JSON:API shape: field values are attributes, `item_type` and
 * `creator` are relationships, the lifecycle lives in `meta`.
 */
import type { ContentVersion, Item, ItemType } from '../../core/content/model.ts';

export function serializeItemType(itemType: ItemType) {
  return {
    type: 'item_type' as const,
    id: itemType.id,
    attributes: {
      name: itemType.name,
      api_key: itemType.apiKey,
      fields: itemType.fields,
      tree: itemType.tree,
      created_at: itemType.createdAt,
      updated_at: itemType.updatedAt,
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
      is_valid: true,
    },
  };
}
