/**
 * @module
 * Content facts for the one access decision: turns an item into the {@link ItemTarget} that
 * `checkGrant` judges. Nothing here decides; it only describes the record.
 */
import { checkGrant, inScope, type Denial, type ItemTarget } from '../access.ts';
import { ENDPOINTS, type EndpointName } from '../endpoints.ts';
import { ApiProblem } from '../errors.ts';
import type { Principal } from '../model.ts';
import type { RoleAttributes } from '../roles.ts';
import type { Creator, Item } from './model.ts';

/** The creator a principal's new records get: its base user when it has one, else the token. */
export function creatorOf(principal: Principal | null): Creator {
  if (principal === null) return { type: 'account', id: 'owner' };
  return principal.token.userId !== null ? { type: 'user', id: principal.token.userId } : { type: 'access_token', id: principal.token.id };
}

/** `on_creator: self`: the record was created by the calling token or by its base user. */
export function isSelf(principal: Principal, creator: Creator): boolean {
  return (
    (creator.type === 'access_token' && creator.id === principal.token.id) ||
    (creator.type === 'user' && principal.token.userId !== null && creator.id === principal.token.userId)
  );
}

/** Role of a record's creator, for `on_creator: role`; null when unknown or gone. */
export type CreatorRoles = (creator: Creator) => string | null;

/** Whether any entry depends on the creator's role, i.e. whether {@link CreatorRoles} must be loaded. */
export function needsCreatorRoles(final: RoleAttributes | null): boolean {
  if (final === null) return false;
  return [...final.positive_item_type_permissions, ...final.negative_item_type_permissions].some((e) => e.on_creator === 'role');
}

export function itemTarget(principal: Principal, item: Pick<Item, 'itemTypeId' | 'creator' | 'pathIds'>, roles?: CreatorRoles): ItemTarget {
  const self = isSelf(principal, item.creator);
  const roleId = principal.role?.id ?? null;
  return {
    itemTypeId: item.itemTypeId,
    createdBySelf: self,
    createdBySameRole: self || (roles !== undefined && roleId !== null && roles(item.creator) === roleId),
    pathIds: item.pathIds,
  };
}

/** Layers 6–8 for one record through the one decision function. */
export function denialFor(
  principal: Principal,
  endpoint: EndpointName,
  item: Pick<Item, 'itemTypeId' | 'creator' | 'pathIds'>,
  options: { includeDrafts?: boolean; roles?: CreatorRoles } = {},
): Denial | null {
  return checkGrant(principal, {
    rule: ENDPOINTS[endpoint],
    includeDrafts: options.includeDrafts ?? false,
    clientIp: null,
    now: 0,
    target: itemTarget(principal, item, options.roles),
  });
}

/** The denial as the problem both APIs report, with a sentence naming the layer that refused. */
export function denialProblem(denial: Denial, itemId: string | undefined): ApiProblem {
  const what = itemId === undefined ? 'this record' : `record ${itemId}`;
  const why = denial.details.layer === 'scope' ? 'it lies outside the token’s root nodes' : `${denial.details.layer}: ${denial.details.reason}`;
  return new ApiProblem(denial.code, { ...denial.details, message: `The token may not do this on ${what} (${why})` });
}

export function assertAllowed(...args: Parameters<typeof denialFor>): void {
  const denial = denialFor(...args);
  if (denial) throw denialProblem(denial, 'id' in args[2] ? (args[2] as { id: string }).id : undefined);
}

/**
 * Where a root-node-scoped caller may put a record (create, move): only under an item inside its
 * subtrees. A new top-level item would be a website outside every root, and a record (its root
 * included) hung under an item elsewhere would carry its subtree into another token's scope. A
 * parent that does not exist is refused the same way as one outside, so the answer reveals
 * nothing about items beyond the caller's reach. Unscoped callers may put a record anywhere.
 */
export function assertPlacement(principal: Principal, parentId: string | null, parent: Pick<Item, 'pathIds'> | null): void {
  if (principal.token.rootNodeIds.length === 0 || (parent !== null && inScope(principal, parent.pathIds))) return;
  throw new ApiProblem('INSUFFICIENT_PERMISSIONS', {
    layer: 'scope',
    reason: parentId === null ? 'top_level' : 'parent_outside_root_nodes',
    message:
      parentId === null
        ? 'The token may not put a record at the top level (it would be a website outside the token’s root nodes)'
        : `The token may not put a record under item ${parentId} (it lies outside the token’s root nodes)`,
  });
}
