/**
 * @module
 * The content use cases, built once by the composition root.
 */
import type { Clock, Store } from '../ports.ts';
import { createItemTypeService, type ItemTypeService } from './item-types.ts';
import { createItemService, type ItemService } from './items.ts';

export interface ContentServices {
  readonly itemTypes: ItemTypeService;
  readonly items: ItemService;
}

export function createContentServices(deps: { store: Store; clock: Clock }): ContentServices {
  return { itemTypes: createItemTypeService(deps), items: createItemService(deps) };
}
