/**
 * @module
 * What a client may see of a GraphQL error: graphql-js's own errors (syntax, validation, input
 * coercion) and our ApiProblems as they are; anything else — a resolver fault, or a raw exception
 * that graphql-js put into `errors` unwrapped (it does so for a throw during variable coercion) —
 * is logged and becomes a generic message naming the request, never its message or stack.
 */
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { ApiProblem } from '../core/errors.ts';

export function formatError(error: unknown, requestId: string, logFault: (fault: unknown) => void): GraphQLFormattedError {
  const original = error instanceof GraphQLError ? error.originalError : error;
  if (error instanceof GraphQLError && original instanceof ApiProblem) {
    return { ...error.toJSON(), message: original.message, extensions: { code: original.code, details: original.details } };
  }
  if (error instanceof GraphQLError && (original === undefined || original instanceof GraphQLError)) return error.toJSON();
  logFault(original);
  const path = error instanceof GraphQLError && error.path ? { path: error.path } : {};
  return { message: 'Internal error', ...path, extensions: { code: 'INTERNAL_ERROR', details: { request_id: requestId } } };
}
