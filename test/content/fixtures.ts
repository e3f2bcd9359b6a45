/**
 * Small builders for content tests: models, records, roles and tokens through the public API.
 */
import { expect } from 'vitest';
import type { Harness } from '../support/harness.ts';

/**
 * A request with the full-access token. The clock moves 60 ms first, as a real setup script
 * would take that long, so long fixture setups stay inside the CMA rate limit (60 per 3 s).
 */
export function asAdmin(h: Harness, method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, body?: unknown) {
  h.clock.advance(60);
  return h.request(method, url, { token: h.adminSecret, ...(body !== undefined ? { body } : {}) });
}

export interface FieldSpec {
  readonly api_key: string;
  readonly field_type: string;
  readonly required?: boolean;
  readonly validators?: Record<string, unknown>;
}

/**
 * A model with its fields (declared inline, Latchkey's convenience). Draft mode is on unless
 * `draftMode: false`: the content suites drive the draft → publish lifecycle record by record.
 * A link field given without validators points at records of this same model (DatoCMS requires
 * the models a link may point at): it is added after the model, with `item_item_type` naming it.
 */
export async function createItemType(
  h: Harness,
  apiKey: string,
  fields: FieldSpec[],
  options: { tree?: boolean; name?: string; draftMode?: boolean } = {},
): Promise<string> {
  const openLink = (f: FieldSpec) => (f.field_type === 'link' || f.field_type === 'links') && f.validators === undefined;
  const res = await asAdmin(h, 'POST', '/item-types', {
    data: {
      type: 'item_type',
      attributes: {
        name: options.name ?? apiKey,
        api_key: apiKey,
        fields: fields.filter((f) => !openLink(f)),
        tree: options.tree ?? false,
        draft_mode_active: options.draftMode ?? true,
      },
    },
  });
  expect(res.statusCode, res.body).toBe(201);
  const id = res.json().data.id as string;
  const links = fields.filter(openLink);
  if (links.length > 0) {
    const models = [id];
    for (const [index, link] of fields.entries()) {
      if (!openLink(link)) continue;
      const validator = link.field_type === 'link' ? 'item_item_type' : 'items_item_type';
      const added = await asAdmin(h, 'POST', `/item-types/${id}/fields`, {
        data: {
          type: 'field',
          attributes: {
            api_key: link.api_key,
            label: link.api_key,
            field_type: link.field_type,
            position: index + 1,
            validators: { [validator]: { item_types: models } },
          },
        },
      });
      expect(added.statusCode, added.body).toBe(201);
    }
  }
  return id;
}

export async function createItem(
  h: Harness,
  itemTypeId: string,
  values: Record<string, unknown>,
  options: { parentId?: string | null; publish?: boolean; token?: string } = {},
): Promise<string> {
  h.clock.advance(60);
  const res = await h.request('POST', '/items', {
    token: options.token ?? h.adminSecret,
    body: {
      data: {
        type: 'item',
        attributes: { ...values, ...(options.parentId ? { parent_id: options.parentId } : {}) },
        relationships: { item_type: { data: { type: 'item_type', id: itemTypeId } } },
      },
    },
  });
  expect(res.statusCode, res.body).toBe(201);
  const id = res.json().data.id as string;
  if (options.publish) {
    const published = await h.request('PUT', `/items/${id}/publish`, { token: options.token ?? h.adminSecret });
    expect(published.statusCode, published.body).toBe(200);
  }
  return id;
}

export async function createRole(h: Harness, attributes: Record<string, unknown>, inheritsFrom: string[] = []): Promise<string> {
  const res = await asAdmin(h, 'POST', '/roles', {
    data: {
      type: 'role',
      attributes: { name: `role ${Math.random().toString(36).slice(2)}`, ...attributes },
      relationships: { inherits_permissions_from: { data: inheritsFrom.map((id) => ({ type: 'role', id })) } },
    },
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().data.id as string;
}

export interface TokenSpec {
  readonly role?: string;
  readonly user?: string;
  readonly cma?: boolean;
  readonly cda?: boolean;
  readonly preview?: boolean;
  readonly permissions?: string[];
  readonly rootNodes?: string[];
}

/** Creates a token with the full-access token; returns its id and secret. */
export async function createToken(h: Harness, spec: TokenSpec): Promise<{ id: string; secret: string }> {
  const relationships: Record<string, unknown> = {
    ...(spec.role ? { role: { data: { type: 'role', id: spec.role } } } : {}),
    ...(spec.user ? { user: { data: { type: 'user', id: spec.user } } } : {}),
    ...(spec.rootNodes ? { root_nodes: { data: spec.rootNodes.map((id) => ({ type: 'item', id })) } } : {}),
  };
  if (!spec.role && !spec.user) relationships.role = { data: { type: 'role', id: await adminRoleId(h) } };
  const res = await asAdmin(h, 'POST', '/access_tokens', {
    data: {
      type: 'access_token',
      attributes: {
        name: `token ${Math.random().toString(36).slice(2)}`,
        can_access_cma: spec.cma ?? false,
        can_access_cda: spec.cda ?? false,
        can_access_cda_preview: spec.preview ?? false,
        ...(spec.permissions ? { permissions: spec.permissions } : {}),
      },
      relationships,
    },
  });
  expect(res.statusCode, res.body).toBe(201);
  return { id: res.json().data.id, secret: res.json().data.attributes.token };
}

export async function createUser(h: Harness, roleId: string, options: { active?: boolean } = {}): Promise<string> {
  const res = await asAdmin(h, 'POST', '/users', {
    data: {
      type: 'user',
      attributes: { email: `u${Math.random().toString(36).slice(2)}@example.com`, full_name: 'A User', is_active: options.active ?? true },
      relationships: { role: { data: { type: 'role', id: roleId } } },
    },
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().data.id as string;
}

export async function adminRoleId(h: Harness): Promise<string> {
  const res = await asAdmin(h, 'GET', '/roles');
  return res.json().data.find((r: { attributes: { name: string } }) => r.attributes.name === 'Admin').id as string;
}

/** `{ code, details }` of an error envelope. */
export function problem(res: { json(): unknown }): { code: string; details: Record<string, unknown> } {
  return (res.json() as { data: { attributes: { code: string; details: Record<string, unknown> } }[] }).data[0]!.attributes;
}
