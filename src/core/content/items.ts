/**
 * @module
 * Record use cases for the CMA. Every one takes the calling principal and asks the one access
 * decision about the record it touches (role content permission, then root-node scope). Lists
 * leave out what the caller may not read and count what is left, so neither a page nor a total
 * reveals records outside the caller's reach.
 *
 * Every write whose response carries the record (update, publish, unpublish, destroy) also needs
 * `read` on it, checked before anything changes: otherwise a write, even an empty one, would hand
 * out values a read refuses. A create answers with what the caller sent (a write-only ingest token
 * is a real use), never with anything else.
 */
import { randomBytes } from 'node:crypto';
import { ApiProblem, notFound } from '../errors.ts';
import type { Principal } from '../model.ts';
import type { Clock, Store } from '../ports.ts';
import type { RandomBytes } from '../secret.ts';
import { assertAllowed, assertPlacement, creatorOf, denialFor, needsCreatorRoles, type CreatorRoles } from './access.ts';
import { validateValues } from './fields.ts';
import { afterEdit, published, unpublished } from './lifecycle.ts';
import type { ContentVersion, Creator, FieldValues, Item, ItemType } from './model.ts';
import type { JobResult } from './ports.ts';
import type { Condition, ItemSearch, OrderKey } from './query.ts';
import { readRule } from './read-rule.ts';
import { checkStoredConstraints } from './record-checks.ts';
import { auditEvent, type RequestContext } from '../audit.ts';

export interface ItemListQuery {
  readonly itemTypeIds?: readonly string[];
  readonly ids?: readonly string[];
  readonly parentId?: string | null;
  /** Conditions on system and field values of the version read. */
  readonly where?: Condition;
  /** Default: creation order. */
  readonly orderBy?: readonly OrderKey[];
  readonly version: ContentVersion;
  readonly offset: number;
  readonly limit: number;
}

/** DatoCMS's cap on the records of one bulk operation. */
export const BULK_MAX = 200;
/** How long a job's result can be read after it finished. */
export const JOB_RESULT_TTL_MS = 60 * 60_000;

export type BulkAction = 'publish' | 'unpublish' | 'destroy';

/** Which version of the referring records `references` reads (DatoCMS's `version` parameter). */
export type ReferenceVersion = ContentVersion | 'published-or-current';

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

/**
 * Whether values satisfy the model's field definitions as they are today (DatoCMS's
 * `meta.is_valid`): a field added as required since, or a value whose type no longer fits,
 * makes a record invalid until it is edited.
 */
export function satisfiesModel(itemType: ItemType, values: FieldValues | null): boolean {
  if (values === null) return false;
  try {
    validateValues(itemType.fields, {}, values);
    return true;
  } catch (error) {
    if (error instanceof ApiProblem) return false;
    throw error;
  }
}

/**
 * The creator → role lookup for one record, when some permission entry needs it (`on_creator:
 * role`): one indexed store lookup, never a load of every token and user.
 */
export async function creatorRoles(store: Store, principal: Principal, creator: Creator): Promise<CreatorRoles | undefined> {
  if (!needsCreatorRoles(principal.final)) return undefined;
  const role = await store.creatorRole(creator);
  return (asked: Creator) => (asked.type === creator.type && asked.id === creator.id ? role : null);
}

/**
 * The record use cases. Each write runs whole in one store transaction (its reads and checks, the
 * write, the audit entry), so a concurrent writer can never slip between a check and the write it
 * guards; reads run on the store directly.
 */
export function createItemService(deps: { store: Store; clock: Clock; random?: RandomBytes }) {
  const { store } = deps;
  const reads = itemUseCases(deps);
  const within = (tx: Store) => itemUseCases({ ...deps, store: tx });
  return {
    list: reads.list,
    find: reads.find,
    references: reads.references,
    jobResult: reads.jobResult,
    create: (principal: Principal | null, input: NewItemInput) => store.transaction((tx) => within(tx).create(principal, input)),
    update: (principal: Principal | null, id: string, change: ItemChange) => store.transaction((tx) => within(tx).update(principal, id, change)),
    destroy: (principal: Principal | null, id: string, context: RequestContext) => store.transaction((tx) => within(tx).destroy(principal, id, context)),
    bulk: (principal: Principal, action: BulkAction, ids: readonly string[], context: RequestContext) =>
      store.transaction((tx) => within(tx).bulk(principal, action, ids, context)),
    publish: (principal: Principal | null, id: string, context: RequestContext) => store.transaction((tx) => within(tx).publish(principal, id, context)),
    unpublish: (principal: Principal | null, id: string, context: RequestContext) => store.transaction((tx) => within(tx).unpublish(principal, id, context)),
  };
}

function itemUseCases(deps: { store: Store; clock: Clock; random?: RandomBytes }) {
  const { store, clock } = deps;
  const random = deps.random ?? ((size: number) => randomBytes(size));
  const iso = () => new Date(clock.now()).toISOString();

  async function loadType(id: string, field = 'item_type'): Promise<ItemType> {
    const itemType = await store.findItemType(id);
    if (!itemType) throw new ApiProblem('INVALID_RELATIONSHIP', { field, message: `No item_type with id ${JSON.stringify(id)}` });
    return itemType;
  }
  async function loadItem(id: string): Promise<Item> {
    const item = await store.findItem(id);
    if (!item) throw notFound('item', id);
    return item;
  }
  /**
   * DatoCMS's draft mode: a model without it has no drafts, every save is what readers see. The
   * version state a save leaves, for `afterEdit`'s draft lifecycle or an immediate publication.
   */
  const saved = (itemType: ItemType, item: Pick<Item, 'published' | 'publishedAt'>, values: FieldValues, now: string) =>
    itemType.draftModeActive ? afterEdit(item, values) : published({ current: values }, now);
  /**
   * The parent a record may hang under: an existing item of a tree model, not inside `self`, and
   * for a root-node-scoped caller inside its subtrees. Scope is judged before anything else about
   * the parent, so a scoped caller learns nothing (existence, model) about items outside its reach.
   */
  async function loadParent(principal: Principal | null, parentId: string | null, selfId?: string): Promise<Item | null> {
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

  return {
    async list(principal: Principal, query: ItemListQuery): Promise<{ items: Item[]; total: number }> {
      // The database filters by the same read rule the single-record decision applies, so the page
      // and the total leave out exactly the records the caller may not read.
      const search = {
        rule: readRule(principal, 'items.list', { version: query.version }),
        version: query.version,
        ...(query.itemTypeIds ? { itemTypeIds: query.itemTypeIds } : {}),
        ...(query.ids ? { ids: query.ids } : {}),
        ...(query.parentId !== undefined ? { parentIds: [query.parentId] } : {}),
        ...(query.where ? { where: query.where } : {}),
      };
      const page = { ...search, ...(query.orderBy && query.orderBy.length > 0 ? { orderBy: query.orderBy } : {}), offset: query.offset, limit: query.limit };
      const [items, total] = await Promise.all([store.searchItems(page), store.countSearch(search)]);
      return { items, total };
    },

    /**
     * The records whose `link` or `links` fields point to the record `id` (which the caller must
     * be able to read), in creation order, under the caller's read rule; `published` looks at
     * the published versions, `published-or-current` at either.
     */
    async references(principal: Principal, id: string, version: ReferenceVersion = 'current'): Promise<Item[]> {
      const target = await loadItem(id);
      assertAllowed(principal, 'items.find', target, { roles: await creatorRoles(store, principal, target.creator) });
      const models = (await store.listItemTypes()).flatMap((itemType) => {
        const links = itemType.fields.filter((f) => f.field_type === 'link' || f.field_type === 'links');
        if (links.length === 0) return [];
        const tests: Condition[] = links.map((f) => ({
          kind: 'test',
          ref: { kind: 'field', apiKey: f.api_key, fieldType: f.field_type },
          op: f.field_type === 'link' ? 'eq' : 'anyIn',
          arg: f.field_type === 'link' ? id : [id],
        }));
        return [
          {
            kind: 'and' as const,
            conditions: [
              { kind: 'itemTypes' as const, ids: [itemType.id] },
              { kind: 'or' as const, conditions: tests },
            ],
          },
        ];
      });
      if (models.length === 0) return [];
      const where: Condition = { kind: 'or', conditions: models };
      const search = (v: ContentVersion): ItemSearch => ({ rule: readRule(principal, 'items.list', { version: v }), version: v, where });
      if (version !== 'published-or-current') return store.searchItems(search(version));
      const [current, publishedOnes] = await Promise.all([store.searchItems(search('current')), store.searchItems(search('published'))]);
      const byId = new Map([...current, ...publishedOnes].map((item) => [item.id, item]));
      return [...byId.values()].sort((a, b) => Number(a.id) - Number(b.id));
    },

    /** A job's result, for the token that started the job only (anyone else: not found). */
    async jobResult(principal: Principal, id: string): Promise<JobResult> {
      const result = await store.findJobResult(id, iso());
      if (!result || result.ownerTokenId !== principal.token.id) throw notFound('job_result', id);
      return result;
    },

    async find(principal: Principal, id: string, version: ContentVersion = 'current'): Promise<Item> {
      const item = await loadItem(id);
      assertAllowed(principal, 'items.find', item, { roles: await creatorRoles(store, principal, item.creator) });
      if (version === 'published' && item.published === null) throw notFound('item', id);
      return item;
    },

    async create(principal: Principal | null, input: NewItemInput): Promise<Item> {
      const itemType = await loadType(input.itemTypeId);
      const parent = await loadParent(principal, input.parentId);
      const creator = creatorOf(principal);
      if (principal) assertAllowed(principal, 'items.create', { itemTypeId: itemType.id, creator, pathIds: parent?.pathIds ?? [] });
      const values = validateValues(itemType.fields, input.values, null);
      await checkStoredConstraints(store, itemType, values, null);
      const position = input.position ?? (await store.countItems({ parentId: input.parentId }));
      const now = iso();
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
    },

    async update(principal: Principal | null, id: string, change: ItemChange): Promise<Item> {
      const item = await loadItem(id);
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
      const itemType = await loadType(item.itemTypeId);
      const values = change.values ? validateValues(itemType.fields, change.values, item.current) : item.current;
      if (change.values) await checkStoredConstraints(store, itemType, values, id);
      const moving = change.parentId !== undefined && change.parentId !== item.parentId;
      // The new parent must lie in scope too: a scoped token can neither move a record (its root
      // included) out of its subtrees nor make it a website.
      if (moving) await loadParent(principal, change.parentId ?? null, id);
      return store.transaction(async (tx) => {
        const now = iso();
        const updated = await tx.updateItem(id, {
          ...(moving ? { parentId: change.parentId ?? null } : {}),
          ...(change.position !== undefined ? { position: change.position } : {}),
          ...(change.values || !itemType.draftModeActive ? saved(itemType, item, values, now) : {}),
          updatedAt: now,
        });
        if (!updated) throw notFound('item', id);
        return updated;
      });
    },

    async destroy(principal: Principal | null, id: string, context: RequestContext): Promise<Item> {
      const item = await loadItem(id);
      if (principal) assertMayWrite(principal, 'items.destroy', item, await creatorRoles(store, principal, item.creator));
      const children = await store.countItems({ parentId: id });
      if (children > 0) throw new ApiProblem('DELETE_RESTRICTION', { message: 'The item still has children', children });
      await store.deleteItem(id);
      await store.recordAuditEvent(auditEvent(context, iso(), 'item.destroy', { type: 'item', id }, { item_type_id: item.itemTypeId, status: item.status }));
      return item;
    },

    /**
     * Publishes, unpublishes or deletes up to {@link BULK_MAX} records at once, all or nothing:
     * every record is judged by the same decision as its single-record route before anything
     * changes, and the first refusal (naming the record in `details.item_id`) fails the whole
     * operation. Each record is audited as its own route would audit it. The result is stored as
     * a job result (DatoCMS answers bulk operations with a job) and returned.
     */
    async bulk(principal: Principal, action: BulkAction, ids: readonly string[], context: RequestContext): Promise<JobResult> {
      const unique = [...new Set(ids)];
      if (unique.length === 0 || unique.length > BULK_MAX) {
        throw new ApiProblem('INVALID_FIELD', {
          field: 'items',
          code: 'VALIDATION_LENGTH',
          message: `A bulk operation takes from 1 to ${BULK_MAX} records; ${unique.length} were given`,
        });
      }
      const endpoint = action === 'destroy' ? 'items.destroy' : action === 'publish' ? 'items.publish' : 'items.unpublish';
      const items: Item[] = [];
      for (const id of unique) {
        const item = await store.findItem(id);
        if (!item) throw new ApiProblem('NOT_FOUND', { message: `No item with id ${JSON.stringify(id)}`, resource: 'item', id, item_id: id });
        try {
          assertMayWrite(principal, endpoint, item, await creatorRoles(store, principal, item.creator));
        } catch (error) {
          if (error instanceof ApiProblem) throw new ApiProblem(error.code, { ...error.details, item_id: id });
          throw error;
        }
        items.push(item);
      }
      const now = iso();
      if (action === 'destroy') {
        // Deepest first: a parent comes after its children of the same operation, which are gone by then.
        for (const item of [...items].sort((a, b) => b.pathIds.length - a.pathIds.length)) {
          const kept = await store.countItems({ parentId: item.id });
          if (kept > 0) throw new ApiProblem('DELETE_RESTRICTION', { message: 'The item still has children', children: kept, item_id: item.id });
          await store.deleteItem(item.id);
          await store.recordAuditEvent(
            auditEvent(context, now, 'item.destroy', { type: 'item', id: item.id }, { item_type_id: item.itemTypeId, status: item.status }),
          );
        }
      } else {
        for (const item of items) {
          const state = action === 'publish' ? published(item, now) : unpublished(item);
          const updated = (await store.updateItem(item.id, { ...state, updatedAt: now })) ?? item;
          await store.recordAuditEvent(
            auditEvent(context, now, action === 'publish' ? 'item.publish' : 'item.unpublish', { type: 'item', id: item.id }, publication(item, updated)),
          );
        }
      }
      const result: JobResult = {
        id: Buffer.from(random(16)).toString('base64url'),
        ownerTokenId: principal.token.id,
        status: 200,
        payload: { data: [], meta: { successful: items.length, failed: 0 } },
        createdAt: now,
        expiresAt: new Date(clock.now() + JOB_RESULT_TTL_MS).toISOString(),
      };
      await store.saveJobResult(result);
      return result;
    },

    async publish(principal: Principal | null, id: string, context: RequestContext): Promise<Item> {
      const item = await loadItem(id);
      if (principal) assertMayWrite(principal, 'items.publish', item, await creatorRoles(store, principal, item.creator));
      const now = iso();
      return store.transaction(async (tx) => {
        const updated = (await tx.updateItem(id, { ...published(item, now), updatedAt: now })) ?? item;
        await tx.recordAuditEvent(auditEvent(context, now, 'item.publish', { type: 'item', id }, publication(item, updated)));
        return updated;
      });
    },

    async unpublish(principal: Principal | null, id: string, context: RequestContext): Promise<Item> {
      const item = await loadItem(id);
      if (principal) assertMayWrite(principal, 'items.unpublish', item, await creatorRoles(store, principal, item.creator));
      const now = iso();
      return store.transaction(async (tx) => {
        const updated = (await tx.updateItem(id, { ...unpublished(item), updatedAt: now })) ?? item;
        await tx.recordAuditEvent(auditEvent(context, now, 'item.unpublish', { type: 'item', id }, publication(item, updated)));
        return updated;
      });
    },
  };
}

export type ItemService = ReturnType<typeof createItemService>;

/**
 * The write itself, then `read`: the response carries every value of the record, so a caller that
 * may not read it must not get them through a write. Both before anything changes.
 */
function assertMayWrite(
  principal: Principal,
  endpoint: 'items.update' | 'items.destroy' | 'items.publish' | 'items.unpublish',
  item: Item,
  roles: CreatorRoles | undefined,
): void {
  assertAllowed(principal, endpoint, item, { roles });
  assertAllowed(principal, 'items.find', item, { roles });
}

/** The values of the fields the caller sent (as stored, i.e. normalised); nothing else. */
function sentOnly(values: FieldValues, sent: FieldValues): FieldValues {
  return Object.fromEntries(Object.entries(values).filter(([key]) => Object.hasOwn(sent, key)));
}

/** What a publish or unpublish changed; the values themselves stay in the item's versions. */
const publication = (before: Item, after: Item): Record<string, unknown> => ({
  item_type_id: after.itemTypeId,
  status: { from: before.status, to: after.status },
  published_at: { from: before.publishedAt, to: after.publishedAt },
});
