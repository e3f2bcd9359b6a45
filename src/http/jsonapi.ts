/**
 * @module
 * Parsing JSON:API request documents with zod; every mismatch becomes INVALID_FORMAT with a JSON
 * pointer to the offending member, so a client can see exactly what to fix.
 */
import { z } from 'zod';
import { ApiProblem } from '../core/errors.ts';

/**
 * Parses a request document. With `pathId` (updates), a `data.id` in the body must name the
 * resource of the URL: a client that sent one thing to the wrong place gets told, not obeyed.
 */
/**
 * For a resource the URL may name by id or by another key (an api key): `data.id`, when given,
 * must be the URL's segment or the resource's own id.
 */
export function assertNamesResource(bodyId: string | undefined, urlSegment: string, resourceId: string): void {
  if (bodyId !== undefined && bodyId !== urlSegment && bodyId !== resourceId) {
    throw new ApiProblem('INVALID_FORMAT', { pointer: '/data/id', message: 'data.id does not match the URL' });
  }
}

export function parseBody<T extends z.ZodType>(schema: T, body: unknown, pathId?: string): z.infer<T> {
  if (body === undefined || body === null) {
    throw new ApiProblem('INVALID_FORMAT', { pointer: '', message: 'A JSON body is required' });
  }
  const result = schema.safeParse(body);
  if (result.success) {
    const bodyId = (result.data as { data?: { id?: unknown } }).data?.id;
    if (pathId !== undefined && bodyId !== undefined && bodyId !== pathId) {
      throw new ApiProblem('INVALID_FORMAT', { pointer: '/data/id', message: 'data.id does not match the URL' });
    }
    return result.data;
  }
  const issue = result.error.issues[0] as z.core.$ZodIssue;
  const path = issue.code === 'unrecognized_keys' ? [...issue.path, issue.keys[0] ?? ''] : issue.path;
  throw new ApiProblem('INVALID_FORMAT', {
    pointer: `/${path.map(String).join('/')}`,
    message: issue.code === 'unrecognized_keys' ? `Unknown member ${JSON.stringify(issue.keys[0])}` : issue.message,
  });
}

/** The one rule for a display name, declared with the token's name. */
export { displayName } from '../core/grants.ts';

/** For routes that take no query parameters: an unknown one is a client mistake worth reporting. */
export const NO_PARAMS = z.object({}).strict();

export function parseQuery<T extends z.ZodType>(schema: T, query: unknown): z.infer<T> {
  const result = schema.safeParse(query);
  if (result.success) return result.data;
  const issue = result.error.issues[0] as z.core.$ZodIssue;
  const name = issue.code === 'unrecognized_keys' ? issue.keys[0] : issue.path.join('.');
  throw new ApiProblem('INVALID_PARAMS', { parameter: name, message: issue.message });
}

/** `{ data: { type, id } }` of a to-one relationship; `nullable` allows `{ data: null }`. */
export const toOne = <T extends string>(type: T) => z.object({ data: z.object({ type: z.literal(type), id: z.string().min(1) }).strict() }).strict();
export const toOneNullable = <T extends string>(type: T) =>
  z
    .object({
      data: z
        .object({ type: z.literal(type), id: z.string().min(1) })
        .strict()
        .nullable(),
    })
    .strict();
export const toMany = <T extends string>(type: T) => z.object({ data: z.array(z.object({ type: z.literal(type), id: z.string().min(1) }).strict()) }).strict();

/** A top-level document `{ data: { type, id?, attributes, relationships?, meta? } }`; pass `attributes.optional()` where they may be left out. */
export function resourceDocument<A extends z.ZodType, R extends z.ZodType>(
  type: string,
  attributes: A,
  relationships: R,
  options: { idRequired?: boolean } = {},
) {
  const id = options.idRequired ? z.string().min(1) : z.string().min(1).optional();
  return z
    .object({
      data: z
        .object({
          type: z.literal(type),
          id,
          attributes,
          relationships: relationships.optional(),
          meta: z.record(z.string(), z.unknown()).optional(),
        })
        .strict(),
    })
    .strict();
}

export const ref = (type: string, id: string | null) => ({ data: id === null ? null : { type, id } });
