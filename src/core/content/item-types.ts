/**
 * @module
 * Schema use cases: item types (models) and their fields. The role flag `can_edit_schema` and the
 * permission strings are checked by the access decision before these run.
 */
import { ApiProblem, notFound } from '../errors.ts';
import type { Clock } from '../ports.ts';
import type { Store } from '../ports.ts';
import { isApiKey, validateFieldDefinitions } from './fields.ts';
import type { ItemType } from './model.ts';
import { claimedNames } from './naming.ts';
import type { NewItemType } from './ports.ts';

export function createItemTypeService(deps: { store: Store; clock: Clock }) {
  const { store, clock } = deps;
  const iso = () => new Date(clock.now()).toISOString();

  async function load(id: string): Promise<ItemType> {
    const itemType = await store.findItemType(id);
    if (!itemType) throw notFound('item_type', id);
    return itemType;
  }

  async function validate(next: NewItemType, selfId?: string): Promise<void> {
    if (!isApiKey(next.apiKey)) {
      throw new ApiProblem('INVALID_FIELD', {
        field: 'api_key',
        code: 'VALIDATION_FORMAT',
        message: `${JSON.stringify(next.apiKey)} is not a usable api_key (snake_case words starting with a letter)`,
      });
    }
    validateFieldDefinitions(next.fields);
    const mine = new Set(claimedNames(next.apiKey));
    for (const other of await store.listItemTypes()) {
      if (other.id === selfId) continue;
      if (other.apiKey === next.apiKey || claimedNames(other.apiKey).some((n) => mine.has(n))) {
        throw new ApiProblem('INVALID_FIELD', {
          field: 'api_key',
          code: 'VALIDATION_UNIQUENESS',
          message: `The api_key ${JSON.stringify(next.apiKey)} clashes with the model ${JSON.stringify(other.apiKey)}`,
        });
      }
    }
  }

  return {
    list: () => store.listItemTypes(),
    find: load,
    /** By id or by api_key, as DatoCMS accepts both. */
    async resolve(idOrApiKey: string): Promise<ItemType | null> {
      const all = await store.listItemTypes();
      return all.find((t) => t.id === idOrApiKey || t.apiKey === idOrApiKey) ?? null;
    },
    async create(input: NewItemType): Promise<ItemType> {
      await validate(input);
      return store.createItemType(input, iso());
    },
    async update(id: string, change: (current: ItemType) => NewItemType): Promise<ItemType> {
      const next = change(await load(id));
      await validate(next, id);
      const updated = await store.updateItemType(id, next, iso());
      if (!updated) throw notFound('item_type', id);
      return updated;
    },
    async destroy(id: string): Promise<ItemType> {
      const itemType = await load(id);
      const items = await store.countItems({ itemTypeIds: [id] });
      if (items > 0) throw new ApiProblem('DELETE_RESTRICTION', { message: 'The model still has records', items });
      await store.deleteItemType(id);
      return itemType;
    },
  };
}

export type ItemTypeService = ReturnType<typeof createItemTypeService>;
