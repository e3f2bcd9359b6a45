/**
 * @module
 * `filter[type]` of the record list: models named by id or by API key (DatoCMS accepts both).
 */
import { ApiProblem } from '../errors.ts';
import type { ItemType } from './model.ts';

/** The ids of the named models, in the order given; a name that matches no model is refused. */
export function itemTypeIdsFor(types: Iterable<ItemType>, keys: readonly string[]): string[] {
  const known = [...types];
  return keys.map((key) => {
    const match = known.find((t) => t.id === key || t.apiKey === key);
    if (!match) throw new ApiProblem('INVALID_PARAMS', { parameter: 'filter[type]', message: `No item type ${JSON.stringify(key)}` });
    return match.id;
  });
}
