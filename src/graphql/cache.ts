/**
 * @module
 * The two caches that keep the CDA from repeating work. The schema is built once per version of
 * the item types: every item-type write announces a `schema` change (also to other instances on
 * PostgreSQL), which bumps the version; the store's model cache hands out a new array when it
 * re-reads the models, and a fingerprint of that array catches changes made behind the server's
 * back. Parsed and validated documents are kept per schema version and query text in a bounded
 * LRU, so a repeated query pays neither parsing nor validation again (nor compiling, see
 * `executor.ts`); so are refusals (syntax,
 * validation, limits), kept as plain JSON so that no refused document's tree stays alive.
 */
import { createHash } from 'node:crypto';
import { parse, validate, specifiedRules, GraphQLError, type DocumentNode, type GraphQLFormattedError, type GraphQLSchema } from 'graphql';
import type { Clock } from '../core/ports.ts';
import type { ContentStore } from '../core/content/ports.ts';
import type { ItemType } from '../core/content/model.ts';
import { buildContentSchema } from './schema.ts';
import { checkShape, checkSize, checkTokens, DOCUMENT_LIMITS, type DocumentLimits } from './limits.ts';
import { Lru } from './lru.ts';
import { executorFor, type Executor } from './executor.ts';

export interface BuiltSchema {
  readonly version: number;
  readonly schema: GraphQLSchema;
}

export type Compiled = { readonly document: DocumentNode; readonly run: Executor } | { readonly errors: readonly GraphQLFormattedError[] };

export interface SchemaCacheOptions {
  readonly recheckMs: number;
  readonly maxDocuments: number;
  readonly maxDepth: number;
}

/** Longer query texts are keyed by their hash, and only their refusals are kept (a document is large). */
const MAX_CACHED_QUERY_LENGTH = 16_384;

const refusal = (errors: readonly GraphQLError[]): Compiled => ({ errors: errors.map((e) => e.toJSON()) });

export class DeliverySchemas {
  readonly #store: ContentStore;
  readonly #clock: Clock;
  readonly #options: SchemaCacheOptions;
  readonly #documents: Lru<string, Compiled>;
  readonly #limits: DocumentLimits;
  #version = 0;
  #built: (BuiltSchema & { readonly types: readonly ItemType[]; readonly fingerprint: string }) | null = null;
  #checkedAt = 0;

  constructor(store: ContentStore, clock: Clock, options: SchemaCacheOptions) {
    this.#store = store;
    this.#clock = clock;
    this.#options = options;
    this.#documents = new Lru(options.maxDocuments);
    this.#limits = { ...DOCUMENT_LIMITS, maxDepth: options.maxDepth };
  }

  /** Item types changed: the next request builds the schema anew. */
  invalidate(): void {
    this.#version++;
    this.#built = null;
    this.#documents.clear();
  }

  /**
   * The schema for the models the store holds now. The store hands out the same array until the
   * models change (see `store/schema-cache.ts`), so the common request costs one comparison; a
   * new array is fingerprinted (at most every `recheckMs`) and rebuilds the schema only if the
   * models really differ, which catches changes made behind the server's back.
   */
  async current(): Promise<BuiltSchema> {
    const version = this.#version;
    const types = await this.#store.listItemTypes();
    // A change announced while we waited may not be in `types`: ask the store again.
    if (version !== this.#version) return this.current();
    const held = this.#built;
    if (held !== null && held.types === types) return held;
    const now = this.#clock.now();
    if (held !== null && now - this.#checkedAt < this.#options.recheckMs) return held;
    this.#checkedAt = now;
    const fingerprint = JSON.stringify(types);
    if (held !== null && held.fingerprint === fingerprint) {
      this.#built = { ...held, types };
      return this.#built;
    }
    if (held !== null) this.invalidate();
    this.#built = { version: this.#version, schema: buildContentSchema(types), types, fingerprint };
    return this.#built;
  }

  /**
   * Parsed and validated once per schema version and query text; refusals are cached too. The
   * checks run cheapest first, so a hostile document costs about one pass of the lexer.
   */
  compile(built: BuiltSchema, query: string): Compiled {
    const limits = this.#limits;
    const oversized = checkSize(query, limits);
    if (oversized) return refusal([oversized]);
    const short = query.length <= MAX_CACHED_QUERY_LENGTH;
    // Long texts are keyed by their SHA-256 so that the cache never holds them; the separators
    // keep the two kinds of key apart.
    const key = short ? `${built.version}\u0000${query}` : `${built.version}\u0001${createHash('sha256').update(query).digest('base64')}`;
    const cached = this.#documents.get(key);
    if (cached) return cached;
    const compiled = this.#compileUncached(built.schema, query, limits);
    // A long query's document is not kept: the cache is bounded in entries, and a few huge
    // documents must not be able to make it hold megabytes each.
    if (built.version === this.#version && (short || 'errors' in compiled)) this.#documents.set(key, compiled);
    return compiled;
  }

  #compileUncached(schema: GraphQLSchema, query: string, limits: DocumentLimits): Compiled {
    const lexical = checkTokens(query, limits);
    if (lexical) return refusal([lexical]);
    let document: DocumentNode;
    try {
      document = parse(query, { maxTokens: limits.maxTokens });
    } catch (error) {
      // Anything but a syntax error is a fault of ours, answered as one by the route.
      if (error instanceof GraphQLError) return refusal([error]);
      throw error;
    }
    const tooCostly = checkShape(document, limits);
    if (tooCostly) return refusal([tooCostly]);
    const errors = validate(schema, document, specifiedRules);
    return errors.length > 0 ? refusal(errors) : { document, run: executorFor(schema, document) };
  }
}
