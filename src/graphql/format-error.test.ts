import { describe, expect, it } from 'vitest';
import { GraphQLError } from 'graphql';
import { ApiProblem } from '../core/errors.ts';
import { formatError } from './format-error.ts';

const format = (error: unknown) => {
  const logged: unknown[] = [];
  return { formatted: formatError(error, 'req-1', (fault) => logged.push(fault)), logged };
};

describe('GraphQL error formatting', () => {
  it('keeps graphql-js errors as they are', () => {
    const error = new GraphQLError('Cannot query field "nope" on type "Query".');
    expect(format(error)).toEqual({ formatted: error.toJSON(), logged: [] });
  });

  it('keeps the code and details of an ApiProblem', () => {
    const problem = new ApiProblem('INSUFFICIENT_PERMISSIONS', { layer: 'scope', message: 'Outside the root nodes' });
    const { formatted } = format(new GraphQLError(problem.message, { originalError: problem, path: ['article'] }));
    expect(formatted).toMatchObject({
      message: 'Outside the root nodes',
      path: ['article'],
      extensions: { code: 'INSUFFICIENT_PERMISSIONS', details: { layer: 'scope' } },
    });
  });

  it.each([
    [
      'a resolver fault',
      new GraphQLError('connection refused at 10.0.0.3', { originalError: new Error('connection refused at 10.0.0.3'), path: ['allArticles'] }),
    ],
    ['a raw exception graphql-js did not wrap', new RangeError('Maximum call stack size exceeded')],
    ['a thrown non-error', 'boom'],
  ])('turns %s into a generic message with the request id, logging the fault', (_name, error) => {
    const { formatted, logged } = format(error);
    expect(formatted.message).toBe('Internal error');
    expect(formatted.extensions).toEqual({ code: 'INTERNAL_ERROR', details: { request_id: 'req-1' } });
    expect(JSON.stringify(formatted)).not.toMatch(/refused|stack|boom|10\.0\.0\.3/);
    expect(logged).toHaveLength(1);
  });
});
