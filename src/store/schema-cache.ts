/**
 * @module
 * The models (item types and their fields) held in memory. Every record read needs its model (to
 * serialise the fields, to name the GraphQL type), and reading the whole `item_types` table and
 * parsing every model's fields per request was most of the work of a single read.
 *
 * Never stale after a change: every item-type and field write announces a `schema` change when it commits,
 * other instances' writes arrive the same way through PostgreSQL LISTEN/NOTIFY, and a reconnecting
 * listener announces `all`; each drops what is held, and the next read loads afresh. A load that
 * raced with a change is handed to the callers that were already waiting for it but not kept.
 * Changes made behind the server's back (another process on the same SQLite file) are picked up
 * within `ttlMs`, as for cached tokens. Reads inside a transaction do not come here: they see the
 * transaction's own snapshot.
 *
 * Callers share the objects handed out, so they are frozen: the port's types already say
 * `readonly`, and a mutation that slipped past them fails loudly instead of changing what every
 * other request sees.
 */
import type { FieldDefinition, ItemType } from '../core/content/model.ts';
import type { Change, ChangeBus } from '../core/changes.ts';

export interface SchemaCacheOptions {
  /** Upper bound on how long the models are served from memory without reading them again. */
  readonly ttlMs: number;
  readonly now?: () => number;
}

interface Snapshot {
  readonly list: ItemType[];
  readonly byId: ReadonlyMap<string, ItemType>;
}

interface Held {
  readonly loadedAt: number;
  readonly snapshot: Promise<Snapshot>;
  /** Resolves to `snapshot.list` itself, so a hit allocates nothing. */
  readonly list: Promise<ItemType[]>;
}

function freezeType(itemType: ItemType): ItemType {
  for (const field of itemType.fields) {
    for (const params of Object.values(field.validators)) Object.freeze(params);
    Object.freeze(field.validators);
    Object.freeze(field satisfies FieldDefinition);
  }
  Object.freeze(itemType.fields);
  Object.freeze(itemType.settings);
  Object.freeze(itemType.fieldRefs);
  return Object.freeze(itemType);
}

function snapshotOf(types: ItemType[]): Snapshot {
  const list = Object.freeze(types.map(freezeType)) as ItemType[];
  return { list, byId: new Map(list.map((t) => [t.id, t])) };
}

export class SchemaCache {
  readonly #load: () => Promise<ItemType[]>;
  readonly #ttlMs: number;
  readonly #now: () => number;
  #held: Held | null = null;
  #loads = 0;

  constructor(load: () => Promise<ItemType[]>, bus: ChangeBus, options: SchemaCacheOptions) {
    this.#load = load;
    this.#ttlMs = options.ttlMs;
    this.#now = options.now ?? Date.now;
    bus.subscribe((change) => this.#changed(change));
  }

  /** Every model, in id order: the same frozen array until the models change. */
  listItemTypes(): Promise<ItemType[]> {
    return this.#current().list;
  }

  async findItemType(id: string): Promise<ItemType | null> {
    return (await this.#current().snapshot).byId.get(id) ?? null;
  }

  /** How many times the models were read from the database (for tests and diagnostics). */
  get loads(): number {
    return this.#loads;
  }

  #current(): Held {
    const held = this.#held;
    const now = this.#now();
    if (held !== null && now - held.loadedAt < this.#ttlMs) return held;
    this.#loads++;
    const snapshot = this.#load().then(snapshotOf);
    const fresh: Held = { loadedAt: now, snapshot, list: snapshot.then((s) => s.list) };
    this.#held = fresh;
    // A failed read (the database briefly away) is not remembered: the next request tries again.
    fresh.list.catch(() => {
      if (this.#held === fresh) this.#held = null;
    });
    return fresh;
  }

  #changed(change: Change): void {
    switch (change.kind) {
      case 'schema':
      case 'all':
        // A load under way is no longer reachable from here: whoever asks next starts a new one.
        this.#held = null;
        return;
      case 'token':
      case 'user':
      case 'roles':
        return;
    }
  }
}
