import { describe, expect, it } from 'vitest';
import { roleExcess } from './escalation.ts';
import { adminRoleAttributes, type RoleAttributes } from './roles.ts';
import { entry, roleAttributes } from '../../test/support/principals.ts';

const OTHER_ACTIONS = ['duplicate', 'edit_creator', 'take_over', 'move_to_stage'];
const WRITE_ACTIONS = ['create', 'update', 'delete', 'publish', ...OTHER_ACTIONS];
const at = (model: string, actions: string[]) => actions.map((a) => `content:${a}@${model}`);

const cases: Array<[string, Partial<RoleAttributes>, Partial<RoleAttributes>, string[]]> = [
  ['identical empty roles', {}, {}, []],
  ['a child with less', { can_edit_site: true, positive_item_type_permissions: [entry(null, 'all')] }, {}, []],
  ['a flag the parent lacks', {}, { can_edit_site: true, can_manage_users: true }, ['role:can_edit_site', 'role:can_manage_users']],
  ['a flag both hold', { can_edit_site: true }, { can_edit_site: true }, []],
  [
    'every model where the parent names one',
    { positive_item_type_permissions: [entry('article', 'read')] },
    { positive_item_type_permissions: [entry(null, 'read')] },
    ['content:read@*'],
  ],
  [
    'another named model',
    { positive_item_type_permissions: [entry('article', 'read')] },
    { positive_item_type_permissions: [entry('page', 'read')] },
    ['content:read@page'],
  ],
  [
    'more actions on the same models',
    { positive_item_type_permissions: [entry(null, 'read')] },
    { positive_item_type_permissions: [entry(null, 'all')] },
    at('*', WRITE_ACTIONS),
  ],
  [
    'role-wide records where the parent has its own only',
    { positive_item_type_permissions: [entry(null, 'update', 'self')] },
    { positive_item_type_permissions: [entry(null, 'update', 'role')] },
    ['content:update@*'],
  ],
  [
    'anyone’s records where the parent has its role’s only',
    { positive_item_type_permissions: [entry('article', 'delete', 'role')] },
    { positive_item_type_permissions: [entry('article', 'delete', 'anyone')] },
    ['content:delete@article'],
  ],
  [
    'own records where the parent has anyone’s',
    { positive_item_type_permissions: [entry('article', 'delete')] },
    { positive_item_type_permissions: [entry('article', 'delete', 'self')] },
    [],
  ],
  [
    'named models under a parent that allows every model',
    { positive_item_type_permissions: [entry(null, 'all')] },
    { positive_item_type_permissions: [entry('article', 'read'), entry('page', 'publish', 'role')] },
    [],
  ],
  [
    'a model the parent denies',
    { positive_item_type_permissions: [entry(null, 'all')], negative_item_type_permissions: [entry('secret', 'read')] },
    { positive_item_type_permissions: [entry(null, 'read')] },
    ['content:read@secret'],
  ],
  [
    'a child that keeps the parent’s denial',
    { positive_item_type_permissions: [entry(null, 'all')], negative_item_type_permissions: [entry('secret', 'all')] },
    { positive_item_type_permissions: [entry(null, 'read')], negative_item_type_permissions: [entry('secret', 'read')] },
    [],
  ],
];

describe('roleExcess', () => {
  it.each(cases)('%s', (_name, parent, child, excess) => {
    expect(roleExcess(roleAttributes(child), roleAttributes(parent))).toEqual(excess);
  });

  it('finds nothing between a role and itself, and nothing beyond the admin role', () => {
    const admin = adminRoleAttributes();
    expect(roleExcess(admin, admin)).toEqual([]);
    for (const [, , child] of cases) expect(roleExcess(roleAttributes(child), admin)).toEqual([]);
  });

  it('names everything the admin role holds over an empty one', () => {
    const excess = roleExcess(adminRoleAttributes(), roleAttributes());
    expect(excess).toContain('role:can_manage_access_tokens');
    expect(excess).toContain('content:publish@*');
    expect(excess).toHaveLength(20 + 9);
  });
});
