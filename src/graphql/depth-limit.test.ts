import { describe, expect, it } from 'vitest';
import { buildSchema, parse, validate } from 'graphql';
import { depthLimit } from './depth-limit.ts';

const schema = buildSchema('type Node { id: ID, child: Node } type Query { node: Node }');

/** `count` fragments on Node, each spreading the next one twice, plus `levels` of nesting at the end. */
function fanOut(count: number, levels: number): string {
  const fragments = Array.from({ length: count }, (_, i) =>
    i === count - 1 ? `fragment F${i} on Node { id ${'child { '.repeat(levels)}id${' }'.repeat(levels)} }` : `fragment F${i} on Node { ...F${i + 1} ...F${i + 1} }`,
  );
  return `{ node { ...F0 } } ${fragments.join(' ')}`;
}

const depthErrors = (query: string, max: number) =>
  validate(schema, parse(query), [depthLimit(max)]).map((e) => e.message);

describe('depth limit', () => {
  it('measures depth through fragments', () => {
    expect(depthErrors('{ node { child { child { id } } } }', 3)).toEqual([]);
    expect(depthErrors('{ node { child { child { child { id } } } } }', 3)).toEqual(['The query is nested 4 levels deep; the limit is 3']);
    expect(depthErrors(fanOut(3, 2), 3)).toEqual([]);
    expect(depthErrors(fanOut(3, 3), 3)).toEqual(['The query is nested 4 levels deep; the limit is 3']);
  });

  it('computes each fragment once, so 2^40 paths through 40 fragments are no harder than 40', () => {
    expect(depthErrors(fanOut(40, 1), 12)).toEqual([]);
    expect(depthErrors(fanOut(40, 12), 12)).toEqual(['The query is nested 13 levels deep; the limit is 12']);
  });

  it('leaves fragment cycles to the standard rule instead of looping', () => {
    expect(depthErrors('{ node { ...A } } fragment A on Node { child { ...B } } fragment B on Node { child { ...A } }', 12)).toEqual([]);
  });
});
