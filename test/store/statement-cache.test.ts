/**
 * The SQLite statement cache: statements are prepared once per SQL text and reused, the cache
 * stays within its bound, and neither DDL (migrations included) nor transactions make a reused
 * statement answer wrongly. A read run at once, past Kysely's connection queue, never sees a
 * transaction's writes before they are committed.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { ImmediateSqliteDialect } from '../../src/store/sqlite-dialect.ts';
import { CONNECTION_BUSY, readFirstNow, readsNowThrough, StatementCache } from '../../src/store/sqlite-statements.ts';
import { openStore } from '../../src/store/database.ts';
import { defaultRoleAttributes } from '../../src/core/roles.ts';
import { itemTypeInput } from '../../src/core/content/item-types.ts';

interface Tables {
  notes: { id: number; body: string; extra?: string | null };
}

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function open(max?: number) {
  const dir = mkdtempSync(join(tmpdir(), 'latchkey-statements-'));
  dirs.push(dir);
  const cache = new StatementCache(new SqliteDatabase(join(dir, 'test.db')), max);
  const db = new Kysely<Tables>({ dialect: new ImmediateSqliteDialect({ database: cache }) });
  return { cache, db, dir };
}

async function withNotes(max?: number) {
  const opened = open(max);
  await opened.db.schema
    .createTable('notes')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('body', 'text', (c) => c.notNull())
    .execute();
  return opened;
}

const bodyOf = (db: Kysely<Tables>, id: number) => db.selectFrom('notes').select('body').where('id', '=', id).executeTakeFirst();

describe('SQLite statement cache', () => {
  it('prepares a query text once and reuses the statement', async () => {
    const { cache, db } = await withNotes();
    await db.insertInto('notes').values({ id: 1, body: 'one' }).execute();
    await db.insertInto('notes').values({ id: 2, body: 'two' }).execute();
    const before = cache.stats;
    expect(await bodyOf(db, 1)).toEqual({ body: 'one' });
    expect(await bodyOf(db, 2)).toEqual({ body: 'two' });
    expect(await bodyOf(db, 3)).toBeUndefined();
    // The insert text was prepared once for both rows, the select once for three reads.
    expect(cache.stats.misses - before.misses).toBe(1);
    expect(cache.stats.hits - before.hits).toBe(2);
    const text = 'select "body" from "notes" where "id" = ?';
    expect(cache.prepare(text)).toBe(cache.prepare(text));
    await db.destroy();
  });

  it('holds at most its bound, dropping the statement used longest ago', async () => {
    const { cache, db } = await withNotes(3);
    const texts = [1, 2, 3, 4].map((n) => `select ${n} as n`);
    for (const text of texts.slice(0, 3)) cache.prepare(text);
    cache.prepare(texts[0]!); // now the most recent: the second text is the oldest
    cache.prepare(texts[3]!);
    expect(cache.stats.size).toBe(3);
    const misses = cache.stats.misses;
    cache.prepare(texts[0]!);
    cache.prepare(texts[3]!);
    expect(cache.stats.misses).toBe(misses);
    cache.prepare(texts[1]!);
    expect(cache.stats.misses).toBe(misses + 1);
    expect(cache.stats.size).toBe(3);
    await db.destroy();
  });

  it('keeps no very long query text', async () => {
    const { cache, db } = await withNotes();
    const ids = Array.from({ length: 2_000 }, (_, n) => n + 1);
    const size = cache.stats.size;
    expect(await db.selectFrom('notes').select('id').where('id', 'in', ids).execute()).toEqual([]);
    expect(cache.stats.size).toBe(size);
    await db.destroy();
  });

  it('answers with the new columns after an ALTER, and empties itself on DDL', async () => {
    const { cache, db } = await withNotes();
    await db.insertInto('notes').values({ id: 1, body: 'one' }).execute();
    const all = () => db.selectFrom('notes').selectAll().execute();
    expect(await all()).toEqual([{ id: 1, body: 'one' }]);
    expect(cache.stats.size).toBeGreaterThan(0);
    await db.schema.alterTable('notes').addColumn('extra', 'text').execute();
    expect(cache.stats.size).toBe(0);
    expect(await all()).toEqual([{ id: 1, body: 'one', extra: null }]);
    await db.schema.dropTable('notes').execute();
    await expect(all()).rejects.toThrow(/no such table/);
    await db.destroy();
  });

  it('gives a fresh statement while the cached one is still iterating', async () => {
    const { cache, db } = await withNotes();
    await db
      .insertInto('notes')
      .values([
        { id: 1, body: 'one' },
        { id: 2, body: 'two' },
      ])
      .execute();
    const text = 'select "id" from "notes" order by "id"';
    const cached = cache.prepare(text) as SqliteDatabase.Statement;
    const rows = cached.iterate();
    expect(rows.next().value).toEqual({ id: 1 });
    const other = cache.prepare(text);
    expect(other).not.toBe(cached);
    expect(other.all([])).toEqual([{ id: 1 }, { id: 2 }]);
    rows.return?.();
    expect(cache.prepare(text)).toBe(cached);
    await db.destroy();
  });

  it('reuses statements inside transactions, which still commit and roll back', async () => {
    const { cache, db } = await withNotes();
    await db.insertInto('notes').values({ id: 1, body: 'one' }).execute();
    expect(await bodyOf(db, 1)).toEqual({ body: 'one' });
    const hits = cache.stats.hits;
    await expect(
      db.transaction().execute(async (trx) => {
        await trx.updateTable('notes').set({ body: 'changed' }).where('id', '=', 1).execute();
        expect(await bodyOf(trx, 1)).toEqual({ body: 'changed' });
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    expect(await bodyOf(db, 1)).toEqual({ body: 'one' });
    await db.transaction().execute(async (trx) => {
      await trx.updateTable('notes').set({ body: 'kept' }).where('id', '=', 1).execute();
    });
    expect(await bodyOf(db, 1)).toEqual({ body: 'kept' });
    // The select ran three times inside and outside transactions on the one cached statement;
    // so did `begin immediate`, `commit`/`rollback` and the update after their first use.
    expect(cache.stats.hits - hits).toBeGreaterThanOrEqual(5);
    await db.destroy();
  });

  it('serves a store whose migrations ran through it, and one reopened on the same file', async () => {
    const { db, dir } = open();
    await db.destroy();
    const path = join(dir, 'latchkey.db');
    const first = await openStore({ kind: 'sqlite', path });
    const role = await first.createRole({ name: 'Editor', attributes: defaultRoleAttributes(), inheritsFrom: [] }, '2026-01-01T00:00:00.000Z');
    await first.close();
    const second = await openStore({ kind: 'sqlite', path });
    expect((await second.listRoles()).map((r) => r.name)).toContain('Editor');
    expect(await second.findRole(role.id)).toMatchObject({ name: 'Editor' });
    const { rows } = await sql<{ n: number }>`select count(*) as n from kysely_migration`.execute(second.db);
    expect(rows[0]?.n).toBeGreaterThan(0);
    await second.close();
  });

  it('reads at once outside transactions, and queues behind one that holds the connection', async () => {
    const { cache, db } = await withNotes();
    readsNowThrough(db, cache);
    await db.insertInto('notes').values({ id: 1, body: 'one' }).execute();
    const query = db.selectFrom('notes').select('body').where('id', '=', 0).compile();
    expect(readFirstNow(db, query, [1])).toEqual({ body: 'one' });
    expect(readFirstNow(db, query, [2])).toBeUndefined();
    let during: unknown = null;
    await expect(
      db.transaction().execute(async (trx) => {
        await trx.updateTable('notes').set({ body: 'uncommitted' }).where('id', '=', 1).execute();
        // The transaction holds the connection: no read may run now and see its write.
        during = readFirstNow(db, query, [1]);
        // A transaction's own executor is never read through the cache directly.
        expect(readFirstNow(trx, query, [1])).toBe(CONNECTION_BUSY);
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    expect(during).toBe(CONNECTION_BUSY);
    expect(readFirstNow(db, query, [1])).toEqual({ body: 'one' });
    await db.destroy();
  });

  it('serves single records of a store the same way inside and outside transactions', async () => {
    const { db, dir } = open();
    await db.destroy();
    const store = await openStore({ kind: 'sqlite', path: join(dir, 'latchkey.db') });
    const now = '2026-01-01T00:00:00.000Z';
    const model = await store.createItemType(itemTypeInput({ name: 'Note', apiKey: 'note' }), now);
    const item = await store.createItem({
      itemTypeId: model.id,
      parentId: null,
      position: 0,
      current: { a: 1 },
      creator: { type: 'account', id: 'owner' },
      createdAt: now,
    });
    const outside = await store.findItem(item.id);
    const inside = await store.transaction((tx) => tx.findItem(item.id));
    expect(inside).toEqual(outside);
    expect(outside).toMatchObject({ id: item.id, current: { a: 1 }, published: null });
    expect(await store.findItem('999999')).toBeNull();
    await store.close();
  });
});
