import { describe, expect, it } from 'vitest';
import { adminRoleAttributes, allowsContent, finalPermissions, type ContentAction, type ContentTarget, type Role, type RoleAttributes } from './roles.ts';
import { entry, role, roleAttributes } from '../../test/support/principals.ts';

function final(target: Role, ...others: Role[]): RoleAttributes {
  const all = new Map([target, ...others].map((r) => [r.id, r]));
  return finalPermissions(target, (id) => all.get(id));
}

describe('finalPermissions', () => {
  it('is the role itself when it inherits nothing', () => {
    const attributes = adminRoleAttributes();
    expect(final({ id: '1', name: 'Admin', attributes, inheritsFrom: [] })).toEqual(attributes);
  });

  it('ORs flags over the whole chain', () => {
    const grandparent = role('3', { can_access_audit_log: true });
    const parent = role('2', { can_manage_users: true }, ['3']);
    const child = role('1', { can_edit_schema: true }, ['2']);
    const result = final(child, parent, grandparent);
    expect(result.can_edit_schema).toBe(true);
    expect(result.can_manage_users).toBe(true);
    expect(result.can_access_audit_log).toBe(true);
    expect(result.can_manage_access_tokens).toBe(false);
  });

  it('merges permission lists without duplicates and keeps the negatives of parents', () => {
    const parent = role('2', {
      positive_item_type_permissions: [entry('10', 'read'), entry(null, 'read')],
      negative_item_type_permissions: [entry('secret', 'all')],
    });
    const child = role('1', { positive_item_type_permissions: [entry(null, 'read'), entry('10', 'update')] }, ['2']);
    const result = final(child, parent);
    expect(result.positive_item_type_permissions).toEqual([entry(null, 'read'), entry('10', 'update'), entry('10', 'read')]);
    expect(result.negative_item_type_permissions).toEqual([entry('secret', 'all')]);
    // The parent's denial survives inheritance: the child cannot read `secret` records.
    expect(allowsContent(result, 'read', { itemTypeId: 'secret', createdBySelf: true, createdBySameRole: true })).toBe(false);
  });

  it('keeps unknown DatoCMS keys of entries and the other permission lists', () => {
    const parent = role('2', { positive_upload_permissions: [{ upload_collection: null, action: 'all' }] });
    const child = role('1', { positive_item_type_permissions: [{ ...entry(null, 'read'), environment: 'main', localization_scope: 'all' }] }, ['2']);
    const result = final(child, parent);
    expect(result.positive_upload_permissions).toEqual([{ upload_collection: null, action: 'all' }]);
    expect(result.positive_item_type_permissions[0]).toMatchObject({ environment: 'main', localization_scope: 'all' });
  });

  it('takes the widest environments access of the chain', () => {
    const parent = role('2', { environments_access: 'all' });
    const child = role('1', { environments_access: 'none' }, ['2']);
    expect(final(child, parent).environments_access).toBe('all');
    expect(final(role('3', { environments_access: 'sandbox_only' })).environments_access).toBe('sandbox_only');
  });

  it('terminates on cycles and still collects every role of the cycle', () => {
    const a = role('1', { can_edit_site: true }, ['2']);
    const b = role('2', { can_manage_users: true }, ['3']);
    const c = role('3', { can_edit_schema: true }, ['1']);
    const result = final(a, b, c);
    expect([result.can_edit_site, result.can_manage_users, result.can_edit_schema]).toEqual([true, true, true]);
    const self = role('4', { can_edit_site: true }, ['4']);
    expect(final(self).can_edit_site).toBe(true);
  });

  it('tolerates missing parents', () => {
    const child = role('1', { can_edit_site: true }, ['404', '2']);
    const parent = role('2', { can_manage_users: true });
    const result = final(child, parent);
    expect(result.can_edit_site && result.can_manage_users).toBe(true);
  });

  it('visits a diamond once', () => {
    const top = role('4', { positive_item_type_permissions: [entry(null, 'read')] });
    const left = role('2', {}, ['4']);
    const right = role('3', {}, ['4']);
    const bottom = role('1', {}, ['2', '3']);
    expect(final(bottom, left, right, top).positive_item_type_permissions).toEqual([entry(null, 'read')]);
  });
});

describe('allowsContent', () => {
  const mine: ContentTarget = { itemTypeId: 'article', createdBySelf: true, createdBySameRole: true };
  const colleagues: ContentTarget = { itemTypeId: 'article', createdBySelf: false, createdBySameRole: true };
  const strangers: ContentTarget = { itemTypeId: 'article', createdBySelf: false, createdBySameRole: false };
  const otherModel: ContentTarget = { itemTypeId: 'page', createdBySelf: true, createdBySameRole: true };

  const cases: Array<[string, Partial<RoleAttributes>, ContentAction, ContentTarget, boolean]> = [
    ['no entries allow nothing', {}, 'read', mine, false],
    ['all models, all actions', { positive_item_type_permissions: [entry(null, 'all')] }, 'delete', strangers, true],
    ['a named model matches it', { positive_item_type_permissions: [entry('article', 'read')] }, 'read', strangers, true],
    ['a named model does not match another', { positive_item_type_permissions: [entry('article', 'read')] }, 'read', otherModel, false],
    ['a specific action does not cover another', { positive_item_type_permissions: [entry(null, 'read')] }, 'update', mine, false],
    ['action all covers publish', { positive_item_type_permissions: [entry('article', 'all')] }, 'publish', strangers, true],
    ['on_creator self: own records', { positive_item_type_permissions: [entry(null, 'update', 'self')] }, 'update', mine, true],
    ['on_creator self: a colleague’s record', { positive_item_type_permissions: [entry(null, 'update', 'self')] }, 'update', colleagues, false],
    ['on_creator role: a colleague’s record', { positive_item_type_permissions: [entry(null, 'update', 'role')] }, 'update', colleagues, true],
    ['on_creator role: own records', { positive_item_type_permissions: [entry(null, 'update', 'role')] }, 'update', mine, true],
    ['on_creator role: a stranger’s record', { positive_item_type_permissions: [entry(null, 'update', 'role')] }, 'update', strangers, false],
    ['missing on_creator means anyone', { positive_item_type_permissions: [{ item_type: null, action: 'read' }] }, 'read', strangers, true],
    [
      'a negative entry wins over a positive one',
      { positive_item_type_permissions: [entry(null, 'all')], negative_item_type_permissions: [entry('article', 'delete')] },
      'delete',
      mine,
      false,
    ],
    [
      'a negative entry leaves other actions alone',
      { positive_item_type_permissions: [entry(null, 'all')], negative_item_type_permissions: [entry('article', 'delete')] },
      'update',
      mine,
      true,
    ],
    [
      'a negative entry leaves other models alone',
      { positive_item_type_permissions: [entry(null, 'all')], negative_item_type_permissions: [entry('article', 'all')] },
      'delete',
      otherModel,
      true,
    ],
    [
      'a negative self entry only denies own records',
      { positive_item_type_permissions: [entry(null, 'all')], negative_item_type_permissions: [entry(null, 'delete', 'self')] },
      'delete',
      strangers,
      true,
    ],
    [
      'a negative self entry denies own records',
      { positive_item_type_permissions: [entry(null, 'all')], negative_item_type_permissions: [entry(null, 'delete', 'self')] },
      'delete',
      mine,
      false,
    ],
    [
      'a negative all-models entry denies a named positive',
      { positive_item_type_permissions: [entry('article', 'read')], negative_item_type_permissions: [entry(null, 'read')] },
      'read',
      strangers,
      false,
    ],
  ];
  it.each(cases)('%s', (_name, attributes, action, target, expected) => {
    expect(allowsContent(roleAttributes(attributes), action, target)).toBe(expected);
  });
});
