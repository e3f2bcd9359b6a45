/**
 * Small builders shared by the HTTP suites: roles and tokens made through the API itself, and a
 * snapshot of everything a bad request must leave untouched.
 */
import { expect } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import type { Harness } from '../support/harness.ts';

export interface Resource {
  type: string;
  id: string;
  attributes: Record<string, unknown>;
  relationships?: Record<string, { data: unknown }>;
  meta?: Record<string, unknown>;
}

export function resourceOf(res: LightMyRequestResponse): Resource {
  return (res.json() as { data: Resource }).data;
}

export function expectOk(res: LightMyRequestResponse, status = 200): Resource {
  expect(res.statusCode, res.body).toBe(status);
  return resourceOf(res);
}

/** Asserts a DatoCMS error envelope with one entry of `code`; returns its details. */
export function expectProblem(res: LightMyRequestResponse, status: number, code: string): Record<string, unknown> {
  expect(res.statusCode, res.body).toBe(status);
  expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
  const body = res.json() as { data: { id: string; type: string; attributes: { code: string; details: Record<string, unknown>; doc_url: string } }[] };
  expect(body.data).toHaveLength(1);
  const [entry] = body.data;
  expect(entry?.type).toBe('api_error');
  expect(entry?.id).toMatch(/^[0-9a-f]{6}$/);
  expect(entry?.attributes.code).toBe(code);
  expect(typeof entry?.attributes.doc_url).toBe('string');
  expect(typeof entry?.attributes.details).toBe('object');
  return entry?.attributes.details ?? {};
}

export async function adminRoleId(h: Harness): Promise<string> {
  const res = await h.request('GET', '/roles', { token: h.adminSecret });
  const admin = (res.json() as { data: Resource[] }).data.find((r) => r.attributes.name === 'Admin');
  if (!admin) throw new Error('no Admin role');
  return admin.id;
}

let counter = 0;
const unique = (prefix: string) => `${prefix} ${++counter}`;

export async function createRole(h: Harness, attributes: Record<string, unknown> = {}, relationships?: Record<string, unknown>): Promise<string> {
  const res = await h.request('POST', '/roles', {
    token: h.adminSecret,
    body: { data: { type: 'role', attributes: { name: unique('Role'), ...attributes }, ...(relationships ? { relationships } : {}) } },
  });
  return expectOk(res, 201).id;
}

export interface TokenSpec {
  roleId?: string;
  userId?: string;
  name?: string;
  cma?: boolean;
  cda?: boolean;
  preview?: boolean;
  extra?: Record<string, unknown>;
  /** Who creates it; the full-access token by default. */
  creator?: string;
}

export async function createToken(h: Harness, spec: TokenSpec = {}): Promise<{ id: string; secret: string }> {
  const base = spec.userId
    ? { user: { data: { type: 'user', id: spec.userId } } }
    : { role: { data: { type: 'role', id: spec.roleId ?? (await adminRoleId(h)) } } };
  const res = await h.request('POST', '/access_tokens', {
    token: spec.creator ?? h.adminSecret,
    body: {
      data: {
        type: 'access_token',
        attributes: {
          name: spec.name ?? unique('Token'),
          can_access_cma: spec.cma ?? true,
          can_access_cda: spec.cda ?? false,
          can_access_cda_preview: spec.preview ?? false,
          ...spec.extra,
        },
        relationships: base,
      },
    },
  });
  const token = expectOk(res, 201);
  const secret = token.attributes.token;
  if (typeof secret !== 'string') throw new Error('no secret in the create response');
  return { id: token.id, secret };
}

export async function createUser(h: Harness, roleId: string, email = `${unique('user').replace(' ', '')}@example.com`): Promise<string> {
  const res = await h.request('POST', '/users', {
    token: h.adminSecret,
    body: { data: { type: 'user', attributes: { email, full_name: 'Ada Lovelace' }, relationships: { role: { data: { type: 'role', id: roleId } } } } },
  });
  return expectOk(res, 201).id;
}

/** Last-access data moves whenever a token is used; everything else must stay put. */
const ACCESS_FIELDS = new Set(['last_cma_access', 'last_cda_access', 'last_cma_access_at', 'last_cda_access_at']);
function withoutAccessTimes(resources: Resource[]): Resource[] {
  return resources.map((r) => ({ ...r, attributes: Object.fromEntries(Object.entries(r.attributes).filter(([k]) => !ACCESS_FIELDS.has(k))) }));
}

/** Tokens, roles, users and site as the full-access token sees them. */
export async function snapshot(h: Harness): Promise<unknown> {
  const read = async (url: string) => {
    const res = await h.request('GET', url, { token: h.adminSecret });
    expect(res.statusCode, res.body).toBe(200);
    return (res.json() as { data: Resource | Resource[] }).data;
  };
  return {
    tokens: withoutAccessTimes((await read('/access_tokens')) as Resource[]),
    roles: await read('/roles'),
    users: await read('/users'),
    site: await read('/site'),
  };
}
