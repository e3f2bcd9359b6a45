/**
 * @module
 * Item type and item queries. Items carry a materialised path (see migration 002), so an item's
 * ancestors come with the row and a subtree is one index range on the path away. Searches (the
 * access rule, filters, order, page) are compiled in `item-search.ts`.
 */
import { sql, type CompiledQuery, type Kysely, type Selectable, type Updateable } from 'kysely';
import {
  DEFAULT_SETTINGS,
  NO_FIELD_REFS,
  type Creator,
  type CreatorType,
  type FieldDefinition,
  type FieldRefs,
  type Item,
  type ItemStatus,
  type ItemType,
  type ItemTypeSettings,
} from '../core/content/model.ts';
import type { ContentStore, ItemQuery, NewItemType } from '../core/content/ports.ts';
import { addModelCounter, stepModelCounter } from './item-counts.ts';
import { countCreated, countMoved, stepSubtreeCounters } from './item-subtree-counts.ts';
import { countRows, searchRows } from './item-search.ts';
import { fieldQueries, toField } from './sql-fields.ts';
import { keys, subtree } from './read-predicate.ts';
import { bool, json, optionalJson, rowId } from './rows.ts';
import type { SqlContext } from './sql-context.ts';
import type { Database, ItemTable, ItemTypeTable } from './schema.ts';
import { CONNECTION_BUSY, readFirstNow } from './sqlite-statements.ts';

function toItemType(row: Selectable<ItemTypeTable>, fields: FieldDefinition[]): ItemType {
  return {
    id: String(row.id),
    name: row.name,
    apiKey: row.api_key,
    fields,
    tree: row.tree === 1,
    draftModeActive: row.draft_mode_active === 1,
    singleton: row.singleton === 1,
    // Stored over the defaults, so an attribute added later reads as its default on older models.
    settings: { ...DEFAULT_SETTINGS, ...(JSON.parse(row.settings) as Partial<ItemTypeSettings>) },
    fieldRefs: { ...NO_FIELD_REFS, ...(JSON.parse(row.field_refs) as Partial<FieldRefs>) },
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

const nonEmpty = (segment: string) => segment !== '';

function toItem(row: Selectable<ItemTable>): Item {
  const current = JSON.parse(row.current) as Record<string, unknown>;
  return {
    id: String(row.id),
    itemTypeId: String(row.item_type_id),
    parentId: row.parent_id === null ? null : String(row.parent_id),
    position: row.position,
    pathIds: row.path.split('/').filter(nonEmpty),
    current,
    // A published record's two versions are usually the same text: parsed once, one object for
    // both (records are never changed in place; every write builds new values).
    published: row.published === null ? null : row.published === row.current ? current : (JSON.parse(row.published) as Record<string, unknown>),
    status: row.status as ItemStatus,
    creator: { type: row.creator_type as CreatorType, id: row.creator_id },
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    publishedAt: row.published_at,
    firstPublishedAt: row.first_published_at,
    version: row.version,
  };
}

/**
 * The read of one item by id, compiled once per executor and run with the id as its only
 * parameter: building and compiling the query anew cost more than running it on a single read.
 */
const itemByIdQueries = new WeakMap<Kysely<Database>, CompiledQuery<Selectable<ItemTable>>>();

function itemByIdQuery(db: Kysely<Database>): CompiledQuery<Selectable<ItemTable>> {
  let query = itemByIdQueries.get(db);
  if (query === undefined) {
    query = db.selectFrom('items').selectAll().where('id', '=', 0).compile();
    itemByIdQueries.set(db, query);
  }
  return query;
}

const typeColumns = (t: NewItemType) => ({
  name: t.name,
  api_key: t.apiKey,
  tree: bool(t.tree),
  draft_mode_active: bool(t.draftModeActive),
  singleton: bool(t.singleton),
  settings: json(t.settings),
  field_refs: json(t.fieldRefs),
});

export function contentQueries(ctx: SqlContext): ContentStore {
  const { db } = ctx;
  const typeById = async (id: number) => {
    const row = await db.selectFrom('item_types').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) return null;
    const fields = await db.selectFrom('fields').selectAll().where('item_type_id', '=', id).orderBy('position').orderBy('id').execute();
    return toItemType(row, fields.map(toField));
  };
  const itemById = async (id: number) => {
    const query = itemByIdQuery(db);
    const now = readFirstNow(db, query, [id]);
    if (now !== CONNECTION_BUSY) return now ? toItem(now) : null;
    const { rows } = await db.executeQuery<Selectable<ItemTable>>({ ...query, parameters: [id] });
    return rows[0] ? toItem(rows[0]) : null;
  };
  const pathOf = async (id: number | null): Promise<string> => {
    if (id === null) return '/';
    const row = await db.selectFrom('items').select('path').where('id', '=', id).executeTakeFirst();
    return row?.path ?? '/';
  };

  const filtered = (query: ItemQuery) => {
    let q = db.selectFrom('items');
    if (query.itemTypeIds) q = q.where('item_type_id', 'in', [...keys(query.itemTypeIds), -1]);
    if (query.ids) q = q.where('id', 'in', [...keys(query.ids), -1]);
    if (query.parentId === null) q = q.where('parent_id', 'is', null);
    else if (query.parentId !== undefined) q = q.where('parent_id', '=', rowId(query.parentId) ?? -1);
    return q;
  };

  return {
    ...fieldQueries(ctx),
    async listItemTypes() {
      const rows = await db.selectFrom('item_types').selectAll().orderBy('id').execute();
      const fieldRows = await db.selectFrom('fields').selectAll().orderBy('item_type_id').orderBy('position').orderBy('id').execute();
      const byModel = new Map<number, FieldDefinition[]>();
      for (const row of fieldRows) {
        const list = byModel.get(row.item_type_id) ?? [];
        list.push(toField(row));
        byModel.set(row.item_type_id, list);
      }
      return rows.map((row) => toItemType(row, byModel.get(row.id) ?? []));
    },
    async findItemType(id) {
      const key = rowId(id);
      return key === null ? null : typeById(key);
    },
    async createItemType(itemType, now) {
      const { id } = await db
        .insertInto('item_types')
        .values({ ...typeColumns(itemType), created_at: now, updated_at: now })
        .returning('id')
        .executeTakeFirstOrThrow();
      await addModelCounter(db, id);
      await ctx.announce({ kind: 'schema' });
      return (await typeById(id))!;
    },
    async updateItemType(id, itemType, now) {
      const key = rowId(id);
      if (key === null) return null;
      const result = await db
        .updateTable('item_types')
        .set({ ...typeColumns(itemType), updated_at: now })
        .where('id', '=', key)
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) === 0) return null;
      await ctx.announce({ kind: 'schema' });
      return typeById(key);
    },
    async deleteItemType(id) {
      const key = rowId(id);
      if (key === null) return false;
      const result = await db.deleteFrom('item_types').where('id', '=', key).executeTakeFirst();
      await ctx.announce({ kind: 'schema' });
      return Number(result.numDeletedRows) > 0;
    },

    async countItems(query) {
      const row = await filtered(query).select(sql<number>`count(*)`.as('n')).executeTakeFirst();
      return Number(row?.n ?? 0);
    },
    async listItems(query) {
      return (await filtered(query).selectAll().orderBy('id').execute()).map(toItem);
    },
    async searchItems(search) {
      return (await searchRows(ctx, search)).map(toItem);
    },
    countSearch: (search) => countRows(ctx, search),
    async creatorRole(creator) {
      const key = rowId(creator.id);
      if (key === null || creator.type === 'account') return null;
      if (creator.type === 'user') {
        const user = await db.selectFrom('users').select('role_id').where('id', '=', key).executeTakeFirst();
        return user ? String(user.role_id) : null;
      }
      const token = await db
        .selectFrom('access_tokens')
        .leftJoin('users', 'users.id', 'access_tokens.user_id')
        .select(['access_tokens.role_id as own', 'users.role_id as inherited'])
        .where('access_tokens.id', '=', key)
        .executeTakeFirst();
      const role = token?.own ?? token?.inherited ?? null;
      return role === null ? null : String(role);
    },
    async findItem(id) {
      const key = rowId(id);
      return key === null ? null : itemById(key);
    },
    async createItem(item) {
      const parent = item.parentId === null ? null : rowId(item.parentId);
      const { id } = await db
        .insertInto('items')
        .values({
          item_type_id: Number(item.itemTypeId),
          parent_id: parent,
          position: item.position,
          path: '/',
          current: json(item.current),
          published: item.published ? json(item.current) : null,
          status: item.published ? 'published' : 'draft',
          creator_type: item.creator.type,
          creator_id: item.creator.id,
          created_at: item.createdAt,
          updated_at: item.createdAt,
          published_at: item.published ? item.createdAt : null,
          first_published_at: item.published ? item.createdAt : null,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      // The path ends with the item's own id, known only once the row exists.
      const path = `${await pathOf(parent)}${id}/`;
      await db.updateTable('items').set({ path }).where('id', '=', id).execute();
      // A new record adds to its model's total (and published count, if published as created), and
      // so in every subtree it is in.
      await stepModelCounter(db, Number(item.itemTypeId), { total: 1, published: Number(item.published === true) });
      await countCreated(db, path, Number(item.itemTypeId), item.published === true);
      return (await itemById(id))!;
    },
    async updateItem(id, patch) {
      const key = rowId(id);
      const before = key === null ? null : await itemById(key);
      if (key === null || !before) return null;
      const row: Updateable<ItemTable> = { updated_at: patch.updatedAt };
      if (patch.position !== undefined) row.position = patch.position;
      if (patch.current !== undefined) row.current = json(patch.current);
      if (patch.published !== undefined) row.published = optionalJson(patch.published);
      if (patch.status !== undefined) row.status = patch.status;
      if (patch.publishedAt !== undefined) row.published_at = patch.publishedAt;
      let path = `/${before.pathIds.join('/')}/`;
      if (patch.parentId !== undefined && patch.parentId !== before.parentId) {
        const parent = patch.parentId === null ? null : rowId(patch.parentId);
        row.parent_id = parent;
        const oldPath = path;
        path = `${await pathOf(parent)}${key}/`;
        await db
          .updateTable('items')
          .set({ path: sql<string>`cast(${path} as text) || substr(path, ${oldPath.length + 1})` })
          .where(subtree(ctx.dialect, oldPath))
          .execute();
        // The subtree's records leave the old ancestors' counters and join the new ones' (with the
        // record's version as it was; a publish in the same patch steps the new path below).
        await countMoved(db, key, oldPath, path);
      }
      await db
        .updateTable('items')
        .set({
          ...row,
          // Every save is a new version, so a writer naming the one it read can tell it went stale.
          version: sql<number>`version + 1`,
          ...(patch.publishedAt ? { first_published_at: sql<string>`coalesce(first_published_at, ${patch.publishedAt})` } : {}),
        })
        .where('id', '=', key)
        .execute();
      if (patch.published !== undefined) {
        const step = Number(row.published != null) - Number(before.published !== null);
        await stepModelCounter(db, Number(before.itemTypeId), { published: step });
        await stepSubtreeCounters(db, path, Number(before.itemTypeId), { published: step });
      }
      return itemById(key);
    },
    async deleteItem(id) {
      const key = rowId(id);
      if (key === null) return false;
      // What the row was is read from the delete itself, so the counters step by exactly what went.
      const gone = await db
        .deleteFrom('items')
        .where('id', '=', key)
        .returning(['item_type_id', 'path', sql<number | boolean>`published is not null`.as('was_published')])
        .executeTakeFirst();
      if (!gone) return false;
      const step = { total: -1, published: -Number(Boolean(gone.was_published)) };
      await stepModelCounter(db, gone.item_type_id, step);
      // The record's own counter rows went with it (cascade); its ancestors' step down.
      await stepSubtreeCounters(db, gone.path, gone.item_type_id, step);
      return true;
    },
    async saveJobResult(result) {
      await db.deleteFrom('job_results').where('expires_at', '<', result.createdAt).execute();
      await db
        .insertInto('job_results')
        .values({
          id: result.id,
          owner_token_id: result.ownerTokenId,
          status: result.status,
          payload: json(result.payload),
          created_at: result.createdAt,
          expires_at: result.expiresAt,
        })
        .execute();
    },
    async findJobResult(id, now) {
      const row = await db.selectFrom('job_results').selectAll().where('id', '=', id).where('expires_at', '>=', now).executeTakeFirst();
      if (!row) return null;
      return {
        id: row.id,
        ownerTokenId: row.owner_token_id,
        status: row.status,
        payload: JSON.parse(row.payload) as Record<string, unknown>,
        createdAt: row.created_at,
        expiresAt: row.expires_at,
      };
    },
    async reassignItems(from: Creator, to: Creator) {
      const result = await db
        .updateTable('items')
        .set({ creator_type: to.type, creator_id: to.id })
        .where('creator_type', '=', from.type)
        .where('creator_id', '=', from.id)
        .executeTakeFirst();
      return Number(result.numUpdatedRows);
    },
  };
}
