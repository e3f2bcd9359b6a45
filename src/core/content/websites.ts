/**
 * @module
 * Websites are the top-level items of the content tree (seed 003's `websiteIds`).
 */
import { ApiProblem } from '../errors.ts';
import type { ContentStore } from './ports.ts';

/**
 * Checks ids meant as websites for a caller limited to `callerRoots` (empty: the whole project).
 * An id outside the caller's roots is refused with 403 before anything is looked up, so the answer
 * does not reveal whether a website the caller cannot reach exists. Otherwise an id that names no
 * item is NOT_FOUND and an item that has a parent is INVALID_FIELD.
 */
export async function assertWebsites(store: Pick<ContentStore, 'findItem'>, ids: readonly string[], callerRoots: readonly string[]): Promise<void> {
  const outside = callerRoots.length > 0 ? ids.filter((id) => !callerRoots.includes(id)) : [];
  if (outside.length > 0) {
    throw new ApiProblem('INSUFFICIENT_PERMISSIONS', {
      layer: 'escalation',
      reason: 'exceeds_caller',
      excess: outside.map((id) => `website:${id}`),
      message: `The token may not reach websites ${outside.join(', ')}`,
    });
  }
  for (const id of ids) {
    const item = await store.findItem(id);
    if (!item) throw new ApiProblem('NOT_FOUND', { message: `No website with id ${JSON.stringify(id)}`, resource: 'website', id });
    if (item.parentId !== null) {
      throw new ApiProblem('INVALID_FIELD', { field: 'websiteIds', message: `Item ${JSON.stringify(id)} is not a website (a top-level item)` });
    }
  }
}
