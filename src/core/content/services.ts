/**
 * @module
 * The content use cases the record routes are handed, built once by the composition root. The
 * model and field use cases are named functions (`item-types.ts`, `schema-fields.ts`) that take
 * the store and the clock.
 */
import type { Clock, Store } from '../ports.ts';
import { listItemTypes } from './item-types.ts';
import { createItemService, type ItemService } from './items.ts';
import type { ItemType } from './model.ts';

export interface ContentServices {
  /** The models, as the record routes list them. */
  readonly itemTypes: { list(): Promise<ItemType[]> };
  readonly items: ItemService;
}

export function createContentServices(deps: { store: Store; clock: Clock }): ContentServices {
  return { itemTypes: { list: () => listItemTypes(deps) }, items: createItemService(deps) };
}
