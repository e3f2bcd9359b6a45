import { describe, expect, it } from 'vitest';
import { parse } from 'graphql';
import { checkShape, checkSize, checkTokens, DOCUMENT_LIMITS } from './limits.ts';

const limitOf = (error: { extensions: Record<string, unknown> } | null) => (error?.extensions.details as { limit?: string } | undefined)?.limit;
const shapeErrors = (query: string, limits: Partial<typeof DOCUMENT_LIMITS> = {}) => {
  const error = checkShape(parse(query), { ...DOCUMENT_LIMITS, maxSelections: 10, maxAliases: 2, ...limits });
  return error ? [error.message] : [];
};
const selectionErrors = (query: string) => shapeErrors(query);

/** `count` fragments on Node, each spreading the next one twice, plus `levels` of nesting at the end. */
function fanOut(count: number, levels: number): string {
  const fragments = Array.from({ length: count }, (_, i) =>
    i === count - 1
      ? `fragment F${i} on Node { id ${'child { '.repeat(levels)}id${' }'.repeat(levels)} }`
      : `fragment F${i} on Node { ...F${i + 1} ...F${i + 1} }`,
  );
  return `{ node { ...F0 } } ${fragments.join(' ')}`;
}
const depthErrors = (query: string, max: number) => shapeErrors(query, { maxDepth: max, maxSelections: Infinity });

describe('GraphQL document limits', () => {
  it('refuses texts over the byte limit, counting UTF-8 bytes', () => {
    expect(checkSize('{ node { id } }', DOCUMENT_LIMITS)).toBeNull();
    expect(limitOf(checkSize(`{ node { id } } #${'x'.repeat(DOCUMENT_LIMITS.maxBytes)}`, DOCUMENT_LIMITS))).toBe('bytes');
    expect(limitOf(checkSize(`#${'é'.repeat(DOCUMENT_LIMITS.maxBytes / 2)}`, DOCUMENT_LIMITS))).toBe('bytes');
  });

  it('refuses too many tokens and too deep brackets before parsing, and reports lexical errors', () => {
    expect(checkTokens('{ node { id } } # comments are free', DOCUMENT_LIMITS)).toBeNull();
    expect(limitOf(checkTokens(`{ ${'id '.repeat(DOCUMENT_LIMITS.maxTokens)} }`, DOCUMENT_LIMITS))).toBe('tokens');
    const deepArgument = `{ node { child(filter: ${'['.repeat(5_000)}${']'.repeat(5_000)}) { id } } }`;
    expect(limitOf(checkTokens(deepArgument, DOCUMENT_LIMITS))).toBe('nesting');
    expect(checkTokens(`{ node { child(filter: ${'['.repeat(50)}${']'.repeat(50)}) { id } } }`, DOCUMENT_LIMITS)).toBeNull();
    expect(checkTokens('{ node { id } } "unterminated', DOCUMENT_LIMITS)?.message).toMatch(/^Syntax Error/);
  });

  it('counts field selections and aliases per operation, fragments wherever they are spread', () => {
    expect(selectionErrors('{ node { id child { id } } }')).toEqual([]);
    expect(selectionErrors(`{ node { ${'id '.repeat(10)} } }`)).toEqual(['The query selects 11 fields; the limit is 10']);
    expect(selectionErrors('{ node { ...F ...F ...F } } fragment F on Node { id child { id } }')).toEqual([]);
    expect(selectionErrors('{ node { ...F ...F ...F ...F } } fragment F on Node { id child { id } }')).toEqual([
      'The query selects 13 fields; the limit is 10',
    ]);
    expect(selectionErrors('{ a: node { id } b: node { id } c: node { id } }')).toEqual(['The query uses 3 aliases; the limit is 2']);
  });

  it('counts 40 fragments spreading the next one twice (2^39 selections) in linear time', () => {
    const fragments = Array.from({ length: 40 }, (_, i) =>
      i === 39 ? `fragment F${i} on Node { id }` : `fragment F${i} on Node { ...F${i + 1} ...F${i + 1} }`,
    );
    const [error] = selectionErrors(`{ node { ...F0 } } ${fragments.join(' ')}`);
    expect(error).toBe(`The query selects ${2 ** 39 + 1} fields; the limit is 10`);
  });

  it('measures depth through fragments, each fragment once', () => {
    expect(depthErrors('{ node { child { child { id } } } }', 3)).toEqual([]);
    expect(depthErrors('{ node { child { child { child { id } } } } }', 3)).toEqual(['The query is nested 4 levels deep; the limit is 3']);
    expect(depthErrors(fanOut(3, 2), 3)).toEqual([]);
    expect(depthErrors(fanOut(3, 3), 3)).toEqual(['The query is nested 4 levels deep; the limit is 3']);
    expect(depthErrors(fanOut(40, 1), 12)).toEqual([]);
    expect(depthErrors(fanOut(40, 12), 12)).toEqual(['The query is nested 13 levels deep; the limit is 12']);
  });

  it('leaves fragment cycles to the standard rule instead of looping', () => {
    expect(selectionErrors('{ node { ...A } } fragment A on Node { child { ...B } } fragment B on Node { child { ...A } }')).toEqual([]);
  });

  it('refuses a fragment no operation uses, however small, before validation walks it', () => {
    expect(shapeErrors('{ node { id } } fragment F on Node { id }')).toEqual(['Fragment "F" is never used.']);
    // The hostile shape: a cheap operation beside a huge fragment nothing spreads.
    const huge = `{ node { id } } fragment F on Query { ${'node { id } '.repeat(2_400)} }`;
    expect(checkShape(parse(huge, { maxTokens: 20_000 }), DOCUMENT_LIMITS)?.message).toBe('Fragment "F" is never used.');
    // Used only by a fragment that is itself unused: unused too, as the standard rule has it.
    expect(shapeErrors('{ node { id } } fragment A on Node { ...B } fragment B on Node { id }')).toEqual(['Fragment "A" is never used.']);
    expect(shapeErrors('query One { node { ...A } } query Two { node { ...B } } fragment A on Node { id } fragment B on Node { id }')).toEqual([]);
  });
});
