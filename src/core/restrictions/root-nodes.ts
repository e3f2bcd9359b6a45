/**
 * @module
 * Root nodes: a token with roots acts only on records in their subtrees (403, layer `scope`); no
 * roots means the whole project. Each root of a created token must lie inside one of its creator's
 * subtrees.
 */
import type { Principal } from '../model.ts';
import { forbidden, restriction, type Restriction } from './restriction.ts';

/** Root-node scope: no roots means the whole project; otherwise the path must cross a root. */
export function inScope(principal: Principal, pathIds: readonly string[]): boolean {
  const roots = principal.token.rootNodeIds;
  return roots.length === 0 || pathIds.some((id) => roots.includes(id));
}

export const rootNodes: Restriction<'scope'> = restriction({
  name: 'root_nodes',
  layer: 'scope',
  stage: 'grant',
  admit: (principal, { target }) => (target && !inScope(principal, target.pathIds) ? forbidden('scope', 'outside_root_nodes') : null),
  inert: (principal) => principal.token.rootNodeIds.length === 0,
  exceeds(caller, grants, { rootPath }) {
    const roots = caller.token.rootNodeIds;
    if (roots.length === 0) return [];
    // Each of the child's roots must lie inside one of the caller's subtrees (a descendant of a
    // caller root is fine); no roots at all would mean the whole project. Without item paths at
    // hand, only the caller's own roots are known to be inside.
    const inside = (id: string): boolean => {
      const path = rootPath ? rootPath(id) : null;
      return path ? inScope(caller, path) : roots.includes(id);
    };
    return grants.rootNodeIds.length === 0 || !grants.rootNodeIds.every(inside) ? ['root_nodes'] : [];
  },
});
