/**
 * @module
 * Roles, DatoCMS-compatible. A role holds project-wide boolean flags and positive/negative content
 * permission entries; its effective ("final") permissions are `(inherited ∪ positive) − negative`,
 * with flags OR-ed over the inheritance chain.
 */

/** Every boolean flag DatoCMS defines; Latchkey enforces the ones in {@link ENFORCED_FLAGS}. */
export const ROLE_FLAGS = [
  'can_edit_favicon',
  'can_edit_site',
  'can_edit_schema',
  'can_manage_menu',
  'can_edit_environment',
  'can_promote_environments',
  'can_manage_users',
  'can_manage_shared_filters',
  'can_manage_upload_collections',
  'can_manage_build_triggers',
  'can_manage_search_indexes',
  'can_manage_webhooks',
  'can_manage_environments',
  'can_manage_sso',
  'can_access_audit_log',
  'can_manage_workflows',
  'can_manage_access_tokens',
  'can_perform_site_search',
  'can_access_build_events_log',
  'can_access_search_index_events_log',
] as const;
export type RoleFlag = (typeof ROLE_FLAGS)[number];

export const ENFORCED_FLAGS = [
  'can_manage_access_tokens',
  'can_manage_users',
  'can_edit_schema',
  'can_edit_site',
  'can_access_audit_log',
] as const satisfies readonly RoleFlag[];
export type EnforcedFlag = (typeof ENFORCED_FLAGS)[number];

export const ENVIRONMENTS_ACCESS = ['all', 'primary_only', 'sandbox_only', 'none'] as const;
export type EnvironmentsAccess = (typeof ENVIRONMENTS_ACCESS)[number];

/** Positive/negative permission arrays DatoCMS defines, stored and returned as sent. */
export const ROLE_PERMISSION_LISTS = [
  'positive_item_type_permissions',
  'negative_item_type_permissions',
  'positive_upload_permissions',
  'negative_upload_permissions',
  'positive_build_trigger_permissions',
  'negative_build_trigger_permissions',
  'positive_search_index_permissions',
  'negative_search_index_permissions',
] as const;
export type RolePermissionList = (typeof ROLE_PERMISSION_LISTS)[number];

export const CONTENT_ACTIONS = ['all', 'read', 'create', 'update', 'delete', 'publish'] as const;
/** DatoCMS also knows these; they are stored and matched, though no Latchkey route needs them. */
export const OTHER_CONTENT_ACTIONS = ['duplicate', 'edit_creator', 'take_over', 'move_to_stage'] as const;
export type ContentAction = Exclude<(typeof CONTENT_ACTIONS)[number], 'all'>;
export const ON_CREATOR = ['anyone', 'self', 'role'] as const;

/** One record-permission entry; unknown DatoCMS keys (environment, localization_scope…) are kept. */
export interface ItemTypePermission {
  readonly item_type: string | null;
  readonly action: string;
  readonly on_creator?: (typeof ON_CREATOR)[number];
  readonly [key: string]: unknown;
}

export type RoleAttributes = Record<RoleFlag, boolean> & {
  environments_access: EnvironmentsAccess;
  positive_item_type_permissions: ItemTypePermission[];
  negative_item_type_permissions: ItemTypePermission[];
  positive_upload_permissions: Record<string, unknown>[];
  negative_upload_permissions: Record<string, unknown>[];
  positive_build_trigger_permissions: Record<string, unknown>[];
  negative_build_trigger_permissions: Record<string, unknown>[];
  positive_search_index_permissions: Record<string, unknown>[];
  negative_search_index_permissions: Record<string, unknown>[];
};

export interface Role {
  readonly id: string;
  readonly name: string;
  readonly attributes: RoleAttributes;
  readonly inheritsFrom: readonly string[];
}

export function defaultRoleAttributes(): RoleAttributes {
  const flags = Object.fromEntries(ROLE_FLAGS.map((f) => [f, false])) as Record<RoleFlag, boolean>;
  return {
    ...flags,
    environments_access: 'primary_only',
    positive_item_type_permissions: [],
    negative_item_type_permissions: [],
    positive_upload_permissions: [],
    negative_upload_permissions: [],
    positive_build_trigger_permissions: [],
    negative_build_trigger_permissions: [],
    positive_search_index_permissions: [],
    negative_search_index_permissions: [],
  };
}

/** The project's first role: every flag, every action on every model. */
export function adminRoleAttributes(): RoleAttributes {
  const flags = Object.fromEntries(ROLE_FLAGS.map((f) => [f, true])) as Record<RoleFlag, boolean>;
  return {
    ...defaultRoleAttributes(),
    ...flags,
    environments_access: 'all',
    positive_item_type_permissions: [{ item_type: null, action: 'all', on_creator: 'anyone', environment: 'main', localization_scope: 'all' }],
    positive_upload_permissions: [{ upload_collection: null, action: 'all', on_creator: 'anyone', environment: 'main', localization_scope: 'all' }],
    positive_build_trigger_permissions: [{ build_trigger: null }],
    positive_search_index_permissions: [{ search_index: null }],
  };
}

const ACCESS_RANK: Record<EnvironmentsAccess, number> = { none: 0, sandbox_only: 1, primary_only: 1, all: 2 };

/**
 * `(inherited ∪ positive) − negative`, computed over the whole inheritance graph. Negative entries
 * of inherited roles travel with them: a denial written on a parent role is never lost by
 * inheriting from it (deny wins). Cycles and missing parents are tolerated (each role is visited
 * once), so a bad graph can never loop.
 */
export function finalPermissions(role: Role, lookup: (id: string) => Role | undefined): RoleAttributes {
  const seen = new Set<string>();
  const chain: Role[] = [];
  const visit = (r: Role): void => {
    if (seen.has(r.id)) return;
    seen.add(r.id);
    chain.push(r);
    for (const parentId of r.inheritsFrom) {
      const parent = lookup(parentId);
      if (parent) visit(parent);
    }
  };
  visit(role);

  const result = defaultRoleAttributes();
  for (const flag of ROLE_FLAGS) result[flag] = chain.some((r) => r.attributes[flag]);
  result.environments_access = chain
    .map((r) => r.attributes.environments_access)
    .reduce((a, b) => (ACCESS_RANK[b] > ACCESS_RANK[a] ? b : a), role.attributes.environments_access);
  for (const list of ROLE_PERMISSION_LISTS) {
    const merged = chain.flatMap((r) => r.attributes[list] as Record<string, unknown>[]);
    (result[list] as Record<string, unknown>[]) = dedupe(merged);
  }
  return result;
}

function dedupe<T>(entries: readonly T[]): T[] {
  const seen = new Set<string>();
  return entries.filter((e) => {
    const key = JSON.stringify(e);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** The facts about one record that a content permission depends on. */
export interface ContentTarget {
  readonly itemTypeId: string;
  /** Whether the record was created by the principal itself (the token or its base user). */
  readonly createdBySelf: boolean;
  /** Whether the record was created by a credential with the principal's role. */
  readonly createdBySameRole: boolean;
}

function entryMatches(entry: ItemTypePermission, action: ContentAction, target: ContentTarget): boolean {
  if (entry.item_type != null && entry.item_type !== target.itemTypeId) return false;
  if (entry.action !== 'all' && entry.action !== action) return false;
  switch (entry.on_creator ?? 'anyone') {
    case 'anyone':
      return true;
    case 'self':
      return target.createdBySelf;
    case 'role':
      return target.createdBySelf || target.createdBySameRole;
  }
}

/** Whether final role permissions allow `action` on the target: some positive entry, no negative. */
export function allowsContent(final: RoleAttributes, action: ContentAction, target: ContentTarget): boolean {
  return (
    final.positive_item_type_permissions.some((e) => entryMatches(e, action, target)) &&
    !final.negative_item_type_permissions.some((e) => entryMatches(e, action, target))
  );
}
