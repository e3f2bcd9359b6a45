/**
 * @module
 * Change events: every write that can change what a token may do announces itself, so token
 * caches (in this process and, through PostgreSQL LISTEN/NOTIFY, in every other instance) drop
 * what they hold before the next request.
 */

export type Change =
  | { readonly kind: 'token'; readonly id: string }
  | { readonly kind: 'user'; readonly id: string }
  | { readonly kind: 'roles' }
  /** Item types changed: the GraphQL schema is rebuilt. */
  | { readonly kind: 'schema' }
  | { readonly kind: 'all' };

export type ChangeListener = (change: Change) => void;

export class ChangeBus {
  readonly #listeners = new Set<ChangeListener>();

  subscribe(listener: ChangeListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  publish(change: Change): void {
    for (const listener of this.#listeners) listener(change);
  }
}

/** Reads a change back from its JSON form (a NOTIFY payload from another instance). */
export function parseChange(payload: string): Change {
  try {
    const value = JSON.parse(payload) as Change;
    if (value.kind === 'token' || value.kind === 'user') return { kind: value.kind, id: String(value.id) };
    if (value.kind === 'roles' || value.kind === 'schema') return { kind: value.kind };
  } catch {
    // An unreadable payload still means "something changed": drop everything.
  }
  return { kind: 'all' };
}
