/**
 * @module
 * How a cached document runs. A document with one operation is compiled once, when it enters the
 * document cache, into a function of its own (graphql-jit): on a single read by id, graphql-js's
 * general-purpose `execute` (walking the document, collecting fields, completing values
 * generically) cost about as much as the database read itself. The compiled function runs the same
 * resolvers and scalars. Everything graphql-js answers before it executes is still answered by
 * graphql-js, with its own messages: the choice of operation (a document with several goes to
 * `execute`), and variables the compiled function refuses, which are handed to graphql-js to
 * refuse in its own words (a bad variable reads exactly as before). Accepted variables are coerced
 * once, by the compiled function.
 */
import { BREAK, execute, Kind, visit, type DocumentNode, type ExecutionResult, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';
import { compileQuery, isCompiledQuery } from 'graphql-jit';

export interface ExecutionRequest {
  readonly contextValue: unknown;
  readonly variableValues: Record<string, unknown> | undefined;
  readonly operationName: string | undefined;
}

export type Executor = (request: ExecutionRequest) => ExecutionResult | Promise<ExecutionResult>;

/** graphql-js's own execution of `document`: the general path, and the answer to every case the compiled one leaves. */
export const interpreted =
  (schema: GraphQLSchema, document: DocumentNode): Executor =>
  ({ contextValue, variableValues, operationName }) =>
    execute({ schema, document, contextValue, variableValues, operationName });

const isPromise = (value: unknown): value is PromiseLike<unknown> => typeof (value as { then?: unknown } | null)?.then === 'function';

const operationsOf = (document: DocumentNode): OperationDefinitionNode[] =>
  document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);

/** Whether the document asks for the schema itself (`__schema`, `__type`): graphql-js answers introspection. */
function introspects(document: DocumentNode): boolean {
  let found = false;
  visit(document, {
    Field(node) {
      if (node.name.value === '__schema' || node.name.value === '__type') {
        found = true;
        return BREAK;
      }
      return undefined;
    },
  });
  return found;
}

/**
 * The executor of a parsed and validated `document`: compiled when it holds one query operation,
 * graphql-js's otherwise (several operations, a mutation or subscription, introspection, which
 * graphql-jit answers differently, or anything the compiler refuses).
 */
export function executorFor(schema: GraphQLSchema, document: DocumentNode): Executor {
  const general = interpreted(schema, document);
  const operations = operationsOf(document);
  const [operation] = operations;
  if (operations.length !== 1 || operation === undefined || operation.operation !== 'query' || introspects(document)) return general;
  const compiled = compileQuery(schema, document, undefined, { disablingCapturingStackErrors: true });
  if (!isCompiledQuery(compiled)) return general;
  const name = operation.name?.value;
  return (request) => {
    // A name that is not the operation's is graphql-js's error to give.
    if (request.operationName !== undefined && request.operationName !== name) return general(request);
    const result = compiled.query(undefined, request.contextValue, request.variableValues ?? {});
    // Only refused variables answer at once and without `data`: graphql-js says why, in its own words.
    return isPromise(result) || 'data' in result ? result : general(request);
  };
}
