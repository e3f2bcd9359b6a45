/**
 * @module
 * What a GraphQL document may cost before it is even validated. Parsing is recursive descent and
 * validation is partly quadratic (overlapping fields), so a hostile document is refused by cheap,
 * linear checks first: its size and its tokens and bracket nesting (one pass of the lexer, no
 * recursion), then, once parsed, its selection depth, field selections and aliases. Every refusal
 * carries `extensions.code: QUERY_TOO_COMPLEX` and names the limit. docs/content.md lists them.
 */
import { GraphQLError, Kind, Lexer, Source, TokenKind, type DocumentNode, type FragmentDefinitionNode, type SelectionSetNode } from 'graphql';

export interface DocumentLimits {
  /** UTF-8 bytes of the query text. */
  readonly maxBytes: number;
  /** Lexical tokens (names, punctuators, values), comments excluded. */
  readonly maxTokens: number;
  /** `{`, `[` and `(` inside each other: bounds every recursion that follows, inline arguments included. */
  readonly maxNesting: number;
  /** Fields with a selection set inside each other (`children { children { … } }`). */
  readonly maxDepth: number;
  /** Field selections of an operation, a fragment counted wherever it is spread. */
  readonly maxSelections: number;
  /** Aliased fields of an operation, counted the same way. */
  readonly maxAliases: number;
}

export const DOCUMENT_LIMITS: DocumentLimits = {
  maxBytes: 65_536,
  maxTokens: 10_000,
  maxNesting: 64,
  maxDepth: 12,
  maxSelections: 500,
  maxAliases: 100,
};

type LimitName = 'bytes' | 'tokens' | 'nesting' | 'depth' | 'selections' | 'aliases';

export function tooComplex(limit: LimitName, max: number, message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'QUERY_TOO_COMPLEX', details: { limit, max } } });
}

/** Size only: cheap enough to run before the query text is hashed or looked up. */
export function checkSize(query: string, limits: DocumentLimits): GraphQLError | null {
  // A UTF-16 length above the limit means at least as many UTF-8 bytes; no need to count them.
  const bytes = query.length > limits.maxBytes ? query.length : Buffer.byteLength(query);
  return bytes > limits.maxBytes ? tooComplex('bytes', limits.maxBytes, `The query is over ${limits.maxBytes} bytes long`) : null;
}

/**
 * Tokens and bracket nesting, in one pass of the lexer (which is iterative): a query that passes
 * cannot make the parser recurse deeper than `maxNesting`. A lexical error is returned as the
 * syntax error the parser would have reported.
 */
export function checkTokens(query: string, limits: DocumentLimits): GraphQLError | null {
  const lexer = new Lexer(new Source(query));
  let tokens = 0;
  let nesting = 0;
  try {
    for (let token = lexer.advance(); token.kind !== TokenKind.EOF; token = lexer.advance()) {
      if (++tokens > limits.maxTokens) return tooComplex('tokens', limits.maxTokens, `The query has more than ${limits.maxTokens} tokens`);
      if (token.kind === TokenKind.BRACE_L || token.kind === TokenKind.BRACKET_L || token.kind === TokenKind.PAREN_L) {
        if (++nesting > limits.maxNesting) {
          return tooComplex('nesting', limits.maxNesting, `The query nests brackets more than ${limits.maxNesting} levels deep`);
        }
      } else if (token.kind === TokenKind.BRACE_R || token.kind === TokenKind.BRACKET_R || token.kind === TokenKind.PAREN_R) {
        nesting--;
      }
    }
  } catch (error) {
    if (error instanceof GraphQLError) return error;
    throw error;
  }
  return null;
}

interface Cost {
  readonly depth: number;
  readonly selections: number;
  readonly aliases: number;
}
const NONE: Cost = { depth: 0, selections: 0, aliases: 0 };
const beside = (a: Cost, b: Cost): Cost => ({ depth: Math.max(a.depth, b.depth), selections: a.selections + b.selections, aliases: a.aliases + b.aliases });

/**
 * Selection depth, field selections and aliases of each operation, checked on the parsed document
 * before validation — a plain walk, no type information, so it costs a fraction of what the
 * standard rules would spend on the same document. Each fragment is measured once: fragments
 * spreading the next one twice, 40 deep, describe 2^40 selections and take 40 steps to count.
 * Recursion is bounded by the nesting limit checked before parsing. A fragment no operation uses
 * is refused here too (the standard NoUnusedFragments rule makes it invalid anyway): validation
 * would otherwise walk it whatever its size, since only what operations reach is measured.
 */
export function checkShape(document: DocumentNode, limits: DocumentLimits): GraphQLError | null {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  const fragmentCosts = new Map<string, Cost>();
  const visiting = new Set<string>();
  const used = new Set<string>();
  const fragmentCost = (name: string): Cost => {
    used.add(name);
    const known = fragmentCosts.get(name);
    if (known) return known;
    if (visiting.has(name)) return NONE; // a cycle: validation's NoFragmentCycles rule reports it
    visiting.add(name);
    const cost = costOf(fragments.get(name)?.selectionSet);
    visiting.delete(name);
    fragmentCosts.set(name, cost);
    return cost;
  };
  const costOf = (set: SelectionSetNode | undefined): Cost => {
    let total = NONE;
    for (const selection of set?.selections ?? []) {
      if (selection.kind === Kind.FIELD) {
        const inner = selection.selectionSet ? costOf(selection.selectionSet) : null;
        const own: Cost = {
          depth: inner ? 1 + inner.depth : 0,
          selections: 1 + (inner?.selections ?? 0),
          aliases: (selection.alias ? 1 : 0) + (inner?.aliases ?? 0),
        };
        total = beside(total, own);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) total = beside(total, costOf(selection.selectionSet));
      else total = beside(total, fragmentCost(selection.name.value));
    }
    return total;
  };
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.OPERATION_DEFINITION) continue;
    const cost = costOf(definition.selectionSet);
    if (cost.depth > limits.maxDepth)
      return tooComplex('depth', limits.maxDepth, `The query is nested ${cost.depth} levels deep; the limit is ${limits.maxDepth}`);
    if (cost.selections > limits.maxSelections) {
      return tooComplex('selections', limits.maxSelections, `The query selects ${cost.selections} fields; the limit is ${limits.maxSelections}`);
    }
    if (cost.aliases > limits.maxAliases)
      return tooComplex('aliases', limits.maxAliases, `The query uses ${cost.aliases} aliases; the limit is ${limits.maxAliases}`);
  }
  for (const name of fragments.keys()) {
    // The standard rule's own message: the client sees the same answer validation would give.
    if (!used.has(name)) return new GraphQLError(`Fragment "${name}" is never used.`);
  }
  return null;
}
