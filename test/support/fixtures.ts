/**
 * Small helpers that set up tokens and roles through the public CMA, as an operator would.
 */
import type { Harness } from './harness.ts';

export interface IssuedSecret {
  readonly id: string;
  readonly secret: string;
}

export async function adminRoleId(h: Harness): Promise<string> {
  const res = await h.request('GET', '/roles', { token: h.adminSecret });
  const admin = res.json().data.find((r: { attributes: { name: string } }) => r.attributes.name === 'Admin');
  return admin.id as string;
}

/** A role with the given attributes (every other flag false). */
export async function createRole(h: Harness, name: string, attributes: Record<string, unknown> = {}): Promise<string> {
  const res = await h.request('POST', '/roles', { token: h.adminSecret, body: { data: { type: 'role', attributes: { name, ...attributes } } } });
  if (res.statusCode !== 201) throw new Error(`role not created: ${res.body}`);
  return res.json().data.id as string;
}

/** A CMA token (default role: Admin) with the given extra attributes, relationships and root nodes. */
export async function createToken(
  h: Harness,
  attributes: Record<string, unknown> = {},
  relationships: Record<string, unknown> | null = null,
  rootNodes: string[] = [],
): Promise<IssuedSecret> {
  const rels = {
    ...(relationships ?? { role: { data: { type: 'role', id: await adminRoleId(h) } } }),
    ...(rootNodes.length > 0 ? { root_nodes: { data: rootNodes.map((id) => ({ type: 'item', id })) } } : {}),
  };
  const res = await h.request('POST', '/access_tokens', {
    token: h.adminSecret,
    body: {
      data: {
        type: 'access_token',
        attributes: { name: 'fixture', can_access_cma: true, can_access_cda: false, can_access_cda_preview: false, ...attributes },
        relationships: rels,
      },
    },
  });
  if (res.statusCode !== 201) throw new Error(`token not created: ${res.body}`);
  const data = res.json().data;
  return { id: data.id as string, secret: data.attributes.token as string };
}
