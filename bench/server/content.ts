/**
 * @module
 * What the measured routes read. The CMA target is one record; the CDA target one GraphQL query.
 */
import type { Runtime } from '../../src/cli/runtime.ts';

export interface Target {
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly body?: string;
  readonly headers?: Readonly<Record<string, string>>;
}

export interface Targets {
  readonly cma: Target;
  /** null while the build has no CDA. */
  readonly cda: Target | null;
  /** The CMA record at the bottom of a deep tree, read by the root-node scope extra. */
  readonly deep: Target | null;
}

export interface SeededContent {
  readonly targets: Targets;
  /** A record near the top of the deep tree, the root node of the `scoped` token. */
  readonly scopeRootId: string | null;
}

export async function seedContent(_runtime: Runtime): Promise<SeededContent> {
  return { targets: { cma: { method: 'GET', path: '/users/me' }, cda: null, deep: null }, scopeRootId: null };
}
