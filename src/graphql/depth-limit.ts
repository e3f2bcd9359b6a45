/**
 * @module
 * A validation rule bounding selection depth: `children { children { … } }` fans out with every
 * level, so an unbounded query could make one request read the whole tree many times over.
 */
import { GraphQLError, Kind, type ASTVisitor, type FragmentDefinitionNode, type SelectionSetNode, type ValidationContext } from 'graphql';

export function depthLimit(max: number) {
  return (context: ValidationContext): ASTVisitor => {
    const fragments = new Map<string, FragmentDefinitionNode>();
    for (const definition of context.getDocument().definitions) {
      if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
    }
    // Each fragment's depth is computed once: recomputing it at every spread would let a query of
    // a few hundred bytes (fragments spreading the next one twice) cost exponential time.
    const fragmentDepths = new Map<string, number>();
    const visiting = new Set<string>();
    const fragmentDepth = (name: string): number => {
      const known = fragmentDepths.get(name);
      if (known !== undefined) return known;
      if (visiting.has(name)) return 0; // a cycle: the NoFragmentCycles rule reports it
      visiting.add(name);
      const depth = depthOf(fragments.get(name)?.selectionSet);
      visiting.delete(name);
      fragmentDepths.set(name, depth);
      return depth;
    };
    const depthOf = (set: SelectionSetNode | undefined): number => {
      if (!set) return 0;
      let deepest = 0;
      for (const selection of set.selections) {
        if (selection.kind === Kind.FIELD) deepest = Math.max(deepest, selection.selectionSet ? 1 + depthOf(selection.selectionSet) : 0);
        else if (selection.kind === Kind.INLINE_FRAGMENT) deepest = Math.max(deepest, depthOf(selection.selectionSet));
        else deepest = Math.max(deepest, fragmentDepth(selection.name.value));
      }
      return deepest;
    };
    return {
      OperationDefinition(node) {
        const depth = depthOf(node.selectionSet);
        if (depth > max) {
          context.reportError(
            new GraphQLError(`The query is nested ${depth} levels deep; the limit is ${max}`, {
              nodes: [node],
              extensions: { code: 'QUERY_TOO_COMPLEX', details: { limit: 'depth', max } },
            }),
          );
        }
      },
    };
  };
}
