/** The one way the console talks to Latchkey: its management API, with the signed-in token. */
import { parseErrorBody, type ApiErrorBody } from './logic/errors.ts';
import { getToken } from './session.ts';

/** Fired when the API refuses the signed-in token itself; the app then signs out. */
export const SESSION_ENDED = 'latchkey:session-ended';

export class ApiError extends Error {
  constructor(readonly body: ApiErrorBody) {
    super(body.code);
    this.name = 'ApiError';
  }
}

export interface Resource<A = Record<string, unknown>> {
  readonly type: string;
  readonly id: string;
  readonly attributes: A;
  readonly relationships?: Record<string, { data: { type: string; id: string } | { type: string; id: string }[] | null }>;
  readonly meta?: Record<string, unknown>;
}

export interface Document<T> {
  readonly data: T;
  readonly meta?: Record<string, unknown>;
  readonly included?: Resource[];
}

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

export async function api<T>(method: Method, path: string, body?: unknown, token: string | null = getToken()): Promise<Document<T>> {
  const headers: Record<string, string> = { accept: 'application/json', 'x-api-version': '3' };
  if (token !== null) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  let response: Response;
  try {
    response = await fetch(path, { method, headers, body: body === undefined ? null : JSON.stringify(body), cache: 'no-store', credentials: 'omit' });
  } catch {
    throw new ApiError({ code: 'NETWORK', status: 0, details: { message: 'Latchkey did not answer; check that it is running' } });
  }
  const text = await response.text();
  let parsed: unknown = null;
  try {
    parsed = text === '' ? null : JSON.parse(text);
  } catch {
    parsed = null;
  }
  if (!response.ok) {
    const error = new ApiError(parseErrorBody(response.status, parsed));
    // The signed-in token stopped working (disabled, expired, rotated away): the session is over.
    if (response.status === 401 && token !== null && token === getToken()) window.dispatchEvent(new CustomEvent(SESSION_ENDED));
    throw error;
  }
  return parsed as Document<T>;
}

/** A query string from plain pairs; `undefined` and empty values are left out. */
export function query(params: Record<string, string | number | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== undefined && value !== '') search.set(key, String(value));
  const text = search.toString();
  return text === '' ? '' : `?${text}`;
}

export function relId(resource: Pick<Resource<unknown>, 'relationships'>, name: string): string | null {
  const data = resource.relationships?.[name]?.data;
  return data && !Array.isArray(data) ? data.id : null;
}

export function relIds(resource: Pick<Resource<unknown>, 'relationships'>, name: string): string[] {
  const data = resource.relationships?.[name]?.data;
  return Array.isArray(data) ? data.map((d) => d.id) : [];
}
