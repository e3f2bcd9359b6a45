/**
 * @module
 * The two caches that keep the CDA from repeating work. The schema is built once per version of
 * the item types: every item-type write announces a `schema` change (also to other instances on
 * PostgreSQL), which bumps the version; a periodic fingerprint check catches changes made behind
 * the server's back. Parsed and validated documents are kept per schema version and query text in
 * a bounded LRU, so a repeated query pays neither parsing nor validation again.
 */
import { parse, validate, specifiedRules, GraphQLError, type DocumentNode, type GraphQLSchema } from 'graphql';
import type { Clock } from '../core/ports.ts';
import type { ContentStore } from '../core/content/ports.ts';
import { buildContentSchema } from './schema.ts';
import { depthLimit } from './depth-limit.ts';
import { Lru } from './lru.ts';

export interface BuiltSchema {
  readonly version: number;
  readonly schema: GraphQLSchema;
}

export type Compiled = { readonly document: DocumentNode } | { readonly errors: readonly GraphQLError[] };

export interface SchemaCacheOptions {
  readonly recheckMs: number;
  readonly maxDocuments: number;
  readonly maxDepth: number;
}

/** Longer query texts are answered but not kept in the document cache. */
const MAX_CACHED_QUERY_LENGTH = 16_384;

export class DeliverySchemas {
  readonly #store: ContentStore;
  readonly #clock: Clock;
  readonly #options: SchemaCacheOptions;
  readonly #documents: Lru<string, Compiled>;
  #version = 0;
  #built: Promise<BuiltSchema & { fingerprint: string }> | null = null;
  #checkedAt = 0;

  constructor(store: ContentStore, clock: Clock, options: SchemaCacheOptions) {
    this.#store = store;
    this.#clock = clock;
    this.#options = options;
    this.#documents = new Lru(options.maxDocuments);
  }

  /** Item types changed: the next request builds the schema anew. */
  invalidate(): void {
    this.#version++;
    this.#built = null;
    this.#documents.clear();
  }

  async current(): Promise<BuiltSchema> {
    const now = this.#clock.now();
    if (this.#built && now - this.#checkedAt >= this.#options.recheckMs) {
      this.#checkedAt = now;
      const [built, fingerprint] = await Promise.all([this.#built, this.#fingerprint()]);
      if (built.fingerprint !== fingerprint) this.invalidate();
    }
    if (!this.#built) {
      this.#checkedAt = now;
      const version = this.#version;
      this.#built = this.#store.listItemTypes().then((types) => ({ version, schema: buildContentSchema(types), fingerprint: JSON.stringify(types) }));
      this.#built.catch(() => (this.#built = null));
    }
    return this.#built;
  }

  async #fingerprint(): Promise<string> {
    return JSON.stringify(await this.#store.listItemTypes());
  }

  /** Parsed and validated once per schema version and query text; syntax and validation errors are cached too. */
  compile(built: BuiltSchema, query: string): Compiled {
    const key = `${built.version}\u0000${query}`;
    const cached = this.#documents.get(key);
    if (cached) return cached;
    let compiled: Compiled;
    try {
      const document = parse(query, { maxTokens: 10_000 });
      const errors = validate(built.schema, document, [...specifiedRules, depthLimit(this.#options.maxDepth)]);
      compiled = errors.length > 0 ? { errors } : { document };
    } catch (error) {
      compiled = { errors: [error instanceof GraphQLError ? error : new GraphQLError(String(error))] };
    }
    // Only ordinary-sized queries are kept: the cache is bounded in entries, and a few huge query
    // texts must not be able to make it hold megabytes each.
    if (built.version === this.#version && query.length <= MAX_CACHED_QUERY_LENGTH) this.#documents.set(key, compiled);
    return compiled;
  }

}
