/**
 * @module
 * The content use cases, built once by the composition root.
 */
import type { Clock, Store } from '../ports.ts';
import { createItemTypeService, type ItemTypeService } from './item-types.ts';
import { createItemService, type ItemService } from './items.ts';
import { createFieldService, type FieldService } from './schema-fields.ts';

export interface ContentServices {
  readonly itemTypes: ItemTypeService;
  readonly fields: FieldService;
  readonly items: ItemService;
}

export function createContentServices(deps: { store: Store; clock: Clock }): ContentServices {
  return { itemTypes: createItemTypeService(deps), fields: createFieldService(deps), items: createItemService(deps) };
}
