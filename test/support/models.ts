/**
 * Models and fields for tests that work below the HTTP API: in memory (schema generation) or
 * straight through the store.
 */
import { defaultAppearance } from '../../src/core/content/fields.ts';
import { itemTypeInput, type ItemTypeInput } from '../../src/core/content/item-types.ts';
import { DEFAULT_SETTINGS, NO_FIELD_REFS, type FieldDefinition, type FieldType, type ItemType, type NewField } from '../../src/core/content/model.ts';
import type { ContentStore } from '../../src/core/content/ports.ts';

let serial = 0;

/** A field as the store would hold it; `required` adds the `required` validator. */
export function fieldDef(
  api_key: string,
  field_type: FieldType,
  options: { required?: boolean; label?: string; position?: number; id?: string } = {},
): FieldDefinition {
  return {
    id: options.id ?? String(++serial),
    api_key,
    label: options.label ?? api_key,
    field_type,
    validators: options.required ? { required: {} } : {},
    position: options.position ?? 1,
    hint: null,
    default_value: null,
    localized: false,
    appearance: defaultAppearance(field_type),
  };
}

/** A model held in memory, with DatoCMS's defaults for what is not given. */
export function memoryModel(given: Pick<ItemType, 'id' | 'name' | 'apiKey'> & Partial<ItemType>, now = '2026-01-01T00:00:00.000Z'): ItemType {
  return {
    tree: false,
    draftModeActive: true,
    singleton: false,
    settings: DEFAULT_SETTINGS,
    fieldRefs: NO_FIELD_REFS,
    fields: [],
    createdAt: now,
    updatedAt: now,
    ...given,
  };
}

/**
 * A model and its fields written straight through the store (fields in the given order). Draft
 * mode is on unless said otherwise: store-level tests drive the draft → publish lifecycle.
 */
export async function storeModel(
  store: Pick<ContentStore, 'createItemType' | 'createField' | 'findItemType'>,
  given: Pick<ItemTypeInput, 'name' | 'apiKey'> & Partial<ItemTypeInput> & { readonly fields?: readonly (FieldDefinition | NewField)[] },
  now: string,
): Promise<ItemType> {
  const { fields = [], ...model } = given;
  const created = await store.createItemType(itemTypeInput({ draftModeActive: true, ...model }), now);
  for (const [index, field] of fields.entries()) {
    const { id: _id, ...rest } = field as FieldDefinition;
    await store.createField(created.id, { ...rest, position: index + 1 });
  }
  return (await store.findItemType(created.id))!;
}
