/**
 * Creating and changing tokens through the CMA, for tests that need more than the factory tokens.
 */
import { expect } from 'vitest';
import type { Harness } from './harness.ts';

export interface TokenSpec {
  readonly name?: string;
  readonly cma?: boolean;
  readonly cda?: boolean;
  readonly preview?: boolean;
  /** Role id; defaults to the Admin role of the fresh project. */
  readonly role?: string;
  readonly user?: string;
  readonly attributes?: Record<string, unknown>;
  readonly rootNodes?: readonly string[];
}

export interface CreatedToken {
  readonly id: string;
  readonly secret: string;
  readonly attributes: Record<string, unknown>;
}

export function tokenDocument(spec: TokenSpec) {
  return {
    data: {
      type: 'access_token',
      attributes: {
        name: spec.name ?? 'test token',
        can_access_cma: spec.cma ?? true,
        can_access_cda: spec.cda ?? false,
        can_access_cda_preview: spec.preview ?? false,
        ...spec.attributes,
      },
      relationships: {
        ...(spec.user !== undefined ? { user: { data: { type: 'user', id: spec.user } } } : { role: { data: { type: 'role', id: spec.role ?? '1' } } }),
        ...(spec.rootNodes ? { root_nodes: { data: spec.rootNodes.map((id) => ({ type: 'item', id })) } } : {}),
      },
    },
  };
}

/** Creates a token with the full-access factory token (or `as`) and returns its id and secret. */
export async function createToken(h: Harness, spec: TokenSpec = {}, as = h.adminSecret): Promise<CreatedToken> {
  const res = await h.request('POST', '/access_tokens', { token: as, body: tokenDocument(spec) });
  expect(res.statusCode, res.body).toBe(201);
  const { id, attributes } = res.json().data;
  return { id, secret: attributes.token, attributes };
}

export async function updateToken(h: Harness, id: string, attributes: Record<string, unknown>, as = h.adminSecret) {
  const res = await h.request('PUT', `/access_tokens/${id}`, { token: as, body: { data: { type: 'access_token', id, attributes } } });
  expect(res.statusCode, res.body).toBe(200);
  return res.json().data;
}

/** Creates a role with the given attributes (everything else off) and returns its id. */
export async function createRole(h: Harness, name: string, attributes: Record<string, unknown>): Promise<string> {
  const res = await h.request('POST', '/roles', { token: h.adminSecret, body: { data: { type: 'role', attributes: { name, ...attributes } } } });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().data.id;
}

/** The error attributes of a DatoCMS error envelope. */
export function errorOf(res: { json(): unknown }): { code: string; details: Record<string, unknown> } {
  const { code, details } = (res.json() as { data: { attributes: { code: string; details: Record<string, unknown> } }[] }).data[0]!.attributes;
  return { code, details };
}
