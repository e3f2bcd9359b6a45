/**
 * @module
 * Record writes: create, update, destroy, publish, unpublish. Each runs whole in one store
 * transaction (its reads and checks, the write, the audit entry), so a concurrent writer can never
 * slip between a check and the write it guards. A write whose response carries the record needs
 * `read` on it too (see `items.ts`).
 */
import { ApiProblem, notFound } from '../errors.ts';
import type { Principal } from '../model.ts';
import type { Clock, Store } from '../ports.ts';
import { assertAllowed, assertPlacement, creatorOf, denialFor, type CreatorRoles } from './access.ts';
import { validateValues } from './fields.ts';
import { afterEdit, published, unpublished } from './lifecycle.ts';
import type { FieldValues, Item, ItemType } from './model.ts';
import { checkStoredConstraints } from './record-checks.ts';
import { creatorRoles, loadItem, type ItemDeps } from './items.ts';
import { auditEvent, type RequestContext } from '../audit.ts';

export interface NewItemInput {
  readonly itemTypeId: string;
  readonly values: FieldValues;
  readonly parentId: string | null;
  readonly position?: number;
}

export interface ItemChange {
  /** A record keeps its model; naming another one is refused rather than silently ignored. */
  readonly itemTypeId?: string;
  readonly values?: FieldValues;
  readonly parentId?: string | null;
  readonly position?: number;
  /**
   * The version the writer last read (DatoCMS's `meta.current_version`): when given and no longer
   * the record's current one, the update is refused as stale and nothing is written.
   */
  readonly currentVersion?: string;
}

export function createItem(deps: ItemDeps, principal: Principal | null, input: NewItemInput): Promise<Item> {
  return deps.store.transaction(async (store) => {
    const itemType = await loadType(store, input.itemTypeId);
    const parent = await loadParent(store, principal, input.parentId);
    const creator = creatorOf(principal);
    if (principal) assertAllowed(principal, 'items.create', { itemTypeId: itemType.id, creator, pathIds: parent?.pathIds ?? [] });
    const values = validateValues(itemType.fields, input.values, null);
    await checkStoredConstraints(store, itemType, values, null);
    const position = input.position ?? (await store.countItems({ parentId: input.parentId }));
    const now = iso(deps.clock);
    // Without draft mode the record is published as it is created: one save, one version.
    const created = await store.createItem({
      itemTypeId: itemType.id,
      parentId: input.parentId,
      position,
      current: values,
      creator,
      createdAt: now,
      published: !itemType.draftModeActive,
    });
    if (!principal || denialFor(principal, 'items.find', created) === null) return created;
    // A caller that may create but not read the record gets back only the values it sent.
    return { ...created, current: sentOnly(created.current, input.values), published: null };
  });
}

export function updateItem(deps: ItemDeps, principal: Principal | null, id: string, change: ItemChange): Promise<Item> {
  return deps.store.transaction(async (store) => {
    const item = await loadItem(store, id);
    const roles = principal ? await creatorRoles(store, principal, item.creator) : undefined;
    if (principal) assertMayWrite(principal, 'items.update', item, roles);
    // Read in the write's own transaction: no other save can land between this check and the write.
    if (change.currentVersion !== undefined && change.currentVersion !== String(item.version)) {
      throw new ApiProblem('STALE_ITEM_VERSION', {
        message: `The record was saved since version ${change.currentVersion} was read; its current version is ${item.version}`,
        current_version: String(item.version),
      });
    }
    if (change.itemTypeId !== undefined && change.itemTypeId !== item.itemTypeId) {
      throw new ApiProblem('INVALID_FIELD', { field: 'item_type', code: 'ITEM_TYPE_CANNOT_BE_CHANGED', message: "A record's model cannot be changed" });
    }
    const itemType = await loadType(store, item.itemTypeId);
    const values = change.values ? validateValues(itemType.fields, change.values, item.current) : item.current;
    if (change.values) await checkStoredConstraints(store, itemType, values, id);
    const moving = change.parentId !== undefined && change.parentId !== item.parentId;
    // The new parent must lie in scope too: a scoped token can neither move a record (its root
    // included) out of its subtrees nor make it a website.
    if (moving) await loadParent(store, principal, change.parentId ?? null, id);
    const now = iso(deps.clock);
    const updated = await store.updateItem(id, {
      ...(moving ? { parentId: change.parentId ?? null } : {}),
      ...(change.position !== undefined ? { position: change.position } : {}),
      ...(change.values || !itemType.draftModeActive ? saved(itemType, item, values, now) : {}),
      updatedAt: now,
    });
    if (!updated) throw notFound('item', id);
    return updated;
  });
}

export function destroyItem(deps: ItemDeps, principal: Principal | null, id: string, context: RequestContext): Promise<Item> {
  return deps.store.transaction(async (store) => {
    const item = await loadItem(store, id);
    if (principal) assertMayWrite(principal, 'items.destroy', item, await creatorRoles(store, principal, item.creator));
    const children = await store.countItems({ parentId: id });
    if (children > 0) throw new ApiProblem('DELETE_RESTRICTION', { message: 'The item still has children', children });
    await store.deleteItem(id);
    await store.recordAuditEvent(
      auditEvent(context, iso(deps.clock), 'item.destroy', { type: 'item', id }, { item_type_id: item.itemTypeId, status: item.status }),
    );
    return item;
  });
}

/** Publishing or unpublishing one record: judged, written and audited in one transaction. */
function changePublication(deps: ItemDeps, principal: Principal | null, id: string, context: RequestContext, action: 'publish' | 'unpublish'): Promise<Item> {
  return deps.store.transaction(async (store) => {
    const item = await loadItem(store, id);
    if (principal) assertMayWrite(principal, `items.${action}`, item, await creatorRoles(store, principal, item.creator));
    const now = iso(deps.clock);
    const updated = (await store.updateItem(id, { ...(action === 'publish' ? published(item, now) : unpublished(item)), updatedAt: now })) ?? item;
    await store.recordAuditEvent(auditEvent(context, now, `item.${action}`, { type: 'item', id }, publication(item, updated)));
    return updated;
  });
}

export function publishItem(deps: ItemDeps, principal: Principal | null, id: string, context: RequestContext): Promise<Item> {
  return changePublication(deps, principal, id, context, 'publish');
}

export function unpublishItem(deps: ItemDeps, principal: Principal | null, id: string, context: RequestContext): Promise<Item> {
  return changePublication(deps, principal, id, context, 'unpublish');
}

/**
 * The write itself, then `read`: the response carries every value of the record, so a caller that
 * may not read it must not get them through a write. Both before anything changes.
 */
export function assertMayWrite(
  principal: Principal,
  endpoint: 'items.update' | 'items.destroy' | 'items.publish' | 'items.unpublish',
  item: Item,
  roles: CreatorRoles | undefined,
): void {
  assertAllowed(principal, endpoint, item, { roles });
  assertAllowed(principal, 'items.find', item, { roles });
}

/** What a publish or unpublish changed; the values themselves stay in the item's versions. */
export const publication = (before: Item, after: Item): Record<string, unknown> => ({
  item_type_id: after.itemTypeId,
  status: { from: before.status, to: after.status },
  published_at: { from: before.publishedAt, to: after.publishedAt },
});

const iso = (clock: Clock): string => new Date(clock.now()).toISOString();

async function loadType(store: Store, id: string, field = 'item_type'): Promise<ItemType> {
  const itemType = await store.findItemType(id);
  if (!itemType) throw new ApiProblem('INVALID_RELATIONSHIP', { field, message: `No item_type with id ${JSON.stringify(id)}` });
  return itemType;
}

/**
 * The parent a record may hang under: an existing item of a tree model, not inside `self`, and
 * for a root-node-scoped caller inside its subtrees. Scope is judged before anything else about
 * the parent, so a scoped caller learns nothing (existence, model) about items outside its reach.
 */
async function loadParent(store: Store, principal: Principal | null, parentId: string | null, selfId?: string): Promise<Item | null> {
  const parent = parentId === null ? null : await store.findItem(parentId);
  if (principal) assertPlacement(principal, parentId, parent);
  if (parentId === null) return null;
  const problem = !parent
    ? `No item with id ${JSON.stringify(parentId)}`
    : selfId !== undefined && parent.pathIds.includes(selfId)
      ? 'An item cannot move under itself or its descendants'
      : !(await store.findItemType(parent.itemTypeId))?.tree
        ? 'The parent item is not of a tree model'
        : null;
  if (problem) throw new ApiProblem('INVALID_FIELD', { field: 'parent_id', code: 'VALIDATION_PARENT', message: problem });
  return parent;
}

/**
 * DatoCMS's draft mode: a model without it has no drafts, every save is what readers see. The
 * version state a save leaves, for `afterEdit`'s draft lifecycle or an immediate publication.
 */
const saved = (itemType: ItemType, item: Pick<Item, 'published' | 'publishedAt'>, values: FieldValues, now: string) =>
  itemType.draftModeActive ? afterEdit(item, values) : published({ current: values }, now);

/** The values of the fields the caller sent (as stored, i.e. normalised); nothing else. */
function sentOnly(values: FieldValues, sent: FieldValues): FieldValues {
  return Object.fromEntries(Object.entries(values).filter(([key]) => Object.hasOwn(sent, key)));
}
