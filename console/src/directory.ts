/** Roles, users and item types by id, loaded when the token may list them (names only otherwise). */
import { api, type Resource } from './api.ts';
import type { Capabilities } from './logic/access.ts';
import type { ItemTypeAttributes, RoleAttributes, UserAttributes } from './types.ts';

export interface Directory {
  readonly roles: Resource<RoleAttributes>[];
  readonly users: Resource<UserAttributes>[];
  readonly itemTypes: Resource<ItemTypeAttributes>[];
}

export async function loadDirectory(can: Capabilities): Promise<Directory> {
  const [roles, users, itemTypes] = await Promise.all([
    can.may('roles.list') ? api<Resource<RoleAttributes>[]>('GET', '/roles').then((d) => d.data) : [],
    can.may('users.list') ? api<Resource<UserAttributes>[]>('GET', '/users').then((d) => d.data) : [],
    can.may('item_types.list') ? api<Resource<ItemTypeAttributes>[]>('GET', '/item-types').then((d) => d.data) : [],
  ]);
  return { roles, users, itemTypes };
}

export function roleName(directory: Directory, id: string | null): string {
  if (id === null) return '—';
  return directory.roles.find((r) => r.id === id)?.attributes.name ?? `Role #${id}`;
}

export function userName(directory: Directory, id: string | null): string {
  if (id === null) return '—';
  const user = directory.users.find((u) => u.id === id);
  return user ? `${user.attributes.full_name} <${user.attributes.email}>` : `User #${id}`;
}
