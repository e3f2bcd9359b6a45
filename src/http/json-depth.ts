/**
 * @module
 * How deeply a parsed JSON value nests. `JSON.parse` copes with any depth, but much of what runs
 * afterwards recurses (zod, `JSON.stringify` when a value is stored, role algebra, GraphQL input
 * coercion): 20,000 nested arrays overflow the stack there. So every JSON input is measured here,
 * without recursion, right after parsing and before anything else sees it.
 */
import { ApiProblem } from '../core/errors.ts';

/** Arrays and objects inside each other; `{"a":[1]}` is 2 levels, a scalar 0. Documented in docs/errors.md. */
export const MAX_JSON_DEPTH = 64;

/** True when `value` nests arrays and objects more than `max` levels deep. Stops at the first too-deep branch. */
export function nestsDeeperThan(value: unknown, max: number): boolean {
  const pending: unknown[] = [value];
  const depths: number[] = [1];
  while (pending.length > 0) {
    const node = pending.pop();
    const depth = depths.pop() ?? 1;
    if (node === null || typeof node !== 'object') continue;
    if (depth > max) return true;
    for (const child of Array.isArray(node) ? node : Object.values(node)) {
      if (child !== null && typeof child === 'object') {
        pending.push(child);
        depths.push(depth + 1);
      }
    }
  }
  return false;
}

/** Throws JSON_NESTING_TOO_DEEP for a value past the limit; `where` says which input it was. */
export function assertJsonDepth(value: unknown, where: Record<string, string> = {}): void {
  if (nestsDeeperThan(value, MAX_JSON_DEPTH)) {
    throw new ApiProblem('JSON_NESTING_TOO_DEEP', {
      ...where,
      max_depth: MAX_JSON_DEPTH,
      message: `JSON may nest arrays and objects at most ${MAX_JSON_DEPTH} levels deep`,
    });
  }
}
