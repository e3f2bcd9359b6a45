/**
 * @module
 * What every endpoint needs, in one table: its API surface, the one permission string it
 * requires, the role flag that gates it and, for content, the role action. `docs/permissions.md`
 * lists the same table and a test keeps the two in sync.
 */
import type { Permission } from './permissions.ts';
import type { ContentAction, EnforcedFlag } from './roles.ts';
import type { Surface } from './model.ts';

export interface EndpointRule {
  readonly surface: Surface;
  /** null: any authenticated caller of the surface (e.g. `GET /users/me`). */
  readonly permission: Permission | null;
  readonly roleFlag?: EnforcedFlag;
  readonly content?: ContentAction;
  readonly description: string;
}

const cma = (
  permission: Permission | null,
  description: string,
  extra: Partial<Pick<EndpointRule, 'roleFlag' | 'content'>> = {},
): EndpointRule => ({ surface: 'cma', permission, description, ...extra });

export const ENDPOINTS = {
  'access_tokens.list': cma('api-keys:read', 'GET /access_tokens'),
  'access_tokens.find': cma('api-keys:read', 'GET /access_tokens/:id'),
  'access_tokens.create': cma('api-keys:write', 'POST /access_tokens', { roleFlag: 'can_manage_access_tokens' }),
  'access_tokens.update': cma('api-keys:write', 'PUT /access_tokens/:id', { roleFlag: 'can_manage_access_tokens' }),
  'access_tokens.rotate': cma('api-keys:write', 'POST /access_tokens/:id/regenerate_token', {
    roleFlag: 'can_manage_access_tokens',
  }),
  'access_tokens.destroy': cma('api-keys:write', 'DELETE /access_tokens/:id', { roleFlag: 'can_manage_access_tokens' }),
  'roles.list': cma('roles:read', 'GET /roles'),
  'roles.find': cma('roles:read', 'GET /roles/:id'),
  'roles.create': cma('roles:write', 'POST /roles', { roleFlag: 'can_manage_users' }),
  'roles.update': cma('roles:write', 'PUT /roles/:id', { roleFlag: 'can_manage_users' }),
  'roles.destroy': cma('roles:write', 'DELETE /roles/:id', { roleFlag: 'can_manage_users' }),
  'roles.duplicate': cma('roles:write', 'POST /roles/:id/duplicate', { roleFlag: 'can_manage_users' }),
  'users.me': cma(null, 'GET /users/me'),
  'users.list': cma('users:read', 'GET /users', { roleFlag: 'can_manage_users' }),
  'users.find': cma('users:read', 'GET /users/:id', { roleFlag: 'can_manage_users' }),
  'users.create': cma('users:write', 'POST /users', { roleFlag: 'can_manage_users' }),
  'users.update': cma('users:write', 'PUT /users/:id', { roleFlag: 'can_manage_users' }),
  'users.destroy': cma('users:write', 'DELETE /users/:id', { roleFlag: 'can_manage_users' }),
  'site.find': cma('site:read', 'GET /site'),
  'site.update': cma('site:write', 'PUT /site', { roleFlag: 'can_edit_site' }),
  'item_types.list': cma('schema:read', 'GET /item-types'),
  'item_types.find': cma('schema:read', 'GET /item-types/:id'),
  'item_types.create': cma('schema:write', 'POST /item-types', { roleFlag: 'can_edit_schema' }),
  'item_types.update': cma('schema:write', 'PUT /item-types/:id', { roleFlag: 'can_edit_schema' }),
  'item_types.destroy': cma('schema:write', 'DELETE /item-types/:id', { roleFlag: 'can_edit_schema' }),
  'items.list': cma('content:read', 'GET /items', { content: 'read' }),
  'items.find': cma('content:read', 'GET /items/:id', { content: 'read' }),
  'items.create': cma('content:create', 'POST /items', { content: 'create' }),
  'items.update': cma('content:update', 'PUT /items/:id', { content: 'update' }),
  'items.destroy': cma('content:delete', 'DELETE /items/:id', { content: 'delete' }),
  'items.publish': cma('content:publish', 'PUT /items/:id/publish', { content: 'publish' }),
  'items.unpublish': cma('content:publish', 'PUT /items/:id/unpublish', { content: 'publish' }),
  // With `X-Include-Drafts: true` the decision asks for `content:preview` instead.
  'cda.query': { surface: 'cda', permission: 'content:read', content: 'read', description: 'POST /graphql, GET /graphql' },
} as const satisfies Record<string, EndpointRule>;

export type EndpointName = keyof typeof ENDPOINTS;
