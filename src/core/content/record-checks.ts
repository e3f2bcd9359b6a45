/**
 * @module
 * The checks on a record's values that need the store: linked records exist and are of the models
 * the field's `item_item_type` / `items_item_type` validator allows, `unique` values are unique
 * among the model's records, and a singleton model holds one record. Called inside the write's
 * transaction, so a concurrent save cannot slip a duplicate in between check and write.
 */
import { ApiProblem } from '../errors.ts';
import type { Store } from '../ports.ts';
import type { FieldValues, ItemType } from './model.ts';

const fail = (field: string, code: string, message: string) => new ApiProblem('INVALID_FIELD', { field, code, message });

/** `selfId`: the record being updated (null on create), which never clashes with itself. */
export async function checkStoredConstraints(store: Store, itemType: ItemType, values: FieldValues, selfId: string | null): Promise<void> {
  if (selfId === null && itemType.singleton && (await store.countItems({ itemTypeIds: [itemType.id] })) > 0) {
    throw fail('item_type', 'VALIDATION_SINGLETON', `The model ${itemType.apiKey} is a singleton and already has its record`);
  }
  for (const field of itemType.fields) {
    const value = values[field.api_key];
    if (value === null || value === undefined) continue;
    if (field.field_type === 'link' || field.field_type === 'links') {
      const allowed = (field.validators.item_item_type ?? field.validators.items_item_type)?.item_types as readonly string[] | undefined;
      const code = field.field_type === 'link' ? 'VALIDATION_ITEM_ITEM_TYPE' : 'VALIDATION_ITEMS_ITEM_TYPE';
      for (const id of field.field_type === 'link' ? [value as string] : (value as string[])) {
        const linked = await store.findItem(id);
        if (!linked) throw fail(field.api_key, 'VALIDATION_LINK', `No item with id ${id}`);
        if (allowed && !allowed.includes(linked.itemTypeId)) {
          throw fail(field.api_key, code, `${field.api_key} may only link records of the models ${allowed.join(', ')}; ${id} is not one`);
        }
      }
    }
    if (field.validators.unique && (await store.countWithValue(itemType.id, field.api_key, value, selfId)) > 0) {
      throw fail(field.api_key, 'VALIDATION_UNIQUE', `Another ${itemType.apiKey} record already has this ${field.api_key}`);
    }
  }
}
