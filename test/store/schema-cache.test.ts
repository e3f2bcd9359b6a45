/**
 * The models held in memory: read once, handed out until a change says otherwise, and never stale
 * after a change made here (at once), on another instance (through LISTEN/NOTIFY) or announced as
 * `all` (a reconnected listener). Reads inside a transaction see the transaction, not the cache.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS, POSTGRES_URL, createTestDatabase, type TestDatabase } from '../support/databases.ts';
import { openStore } from '../../src/store/database.ts';
import type { SqlStore } from '../../src/store/sql-store.ts';
import { ChangeBus } from '../../src/core/changes.ts';
import { SchemaCache } from '../../src/store/schema-cache.ts';
import { PgChangeListener } from '../../src/runtime/pg-listener.ts';
import { silentLog } from '../../src/core/log.ts';
import type { FieldDefinition, ItemType } from '../../src/core/content/model.ts';
import type { NewItemType } from '../../src/core/content/ports.ts';
import { itemTypeInput } from '../../src/core/content/item-types.ts';
import { fieldDef, memoryModel, storeModel } from '../support/models.ts';

const NOW = '2026-12-01T10:00:00.000Z';
const title: FieldDefinition = fieldDef('title', 'string', { label: 'Title', required: true });
let serial = 0;
const model = (): NewItemType => itemTypeInput({ name: `Model ${++serial}`, apiKey: `model_${serial}` });
const keys = (types: readonly ItemType[]) => types.map((t) => t.apiKey);

/** Polls until `condition` holds; the bound only keeps a broken build from hanging. */
async function eventually(condition: () => Promise<boolean>, deadlineMs = 10_000): Promise<boolean> {
  const until = Date.now() + deadlineMs;
  while (Date.now() < until) {
    if (await condition()) return true;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return condition();
}

describe('SchemaCache', () => {
  const itemType = (id: string): ItemType => memoryModel({ id, name: id, apiKey: `m${id}`, fields: [title] }, NOW);

  it('shares one read between concurrent callers and keeps it until the TTL runs out', async () => {
    let now = 0;
    let reads = 0;
    const bus = new ChangeBus();
    const cache = new SchemaCache(
      async () => {
        reads++;
        return [itemType('1')];
      },
      bus,
      { ttlMs: 1_000, now: () => now },
    );
    const [a, b] = await Promise.all([cache.listItemTypes(), cache.listItemTypes()]);
    expect(a).toBe(b);
    expect(await cache.findItemType('1')).toBe(a[0]);
    expect(await cache.findItemType('2')).toBeNull();
    expect(reads).toBe(1);
    now = 999;
    expect(await cache.listItemTypes()).toBe(a);
    now = 1_000;
    expect(await cache.listItemTypes()).not.toBe(a);
    expect(reads).toBe(2);
  });

  it('drops what it holds on schema and all changes, not on others', async () => {
    let reads = 0;
    const bus = new ChangeBus();
    const cache = new SchemaCache(
      async () => {
        reads++;
        return [itemType(String(reads))];
      },
      bus,
      { ttlMs: 60_000 },
    );
    await cache.listItemTypes();
    for (const change of [{ kind: 'token', id: '1' }, { kind: 'user', id: '1' }, { kind: 'roles' }] as const) bus.publish(change);
    await cache.listItemTypes();
    expect(reads).toBe(1);
    bus.publish({ kind: 'schema' });
    expect(keys(await cache.listItemTypes())).toEqual(['m2']);
    bus.publish({ kind: 'all' });
    expect(keys(await cache.listItemTypes())).toEqual(['m3']);
  });

  it('does not keep a read that raced with a change, nor a failed read', async () => {
    const bus = new ChangeBus();
    const pending: ((types: ItemType[]) => void)[] = [];
    const answer = (types: ItemType[]) => pending.shift()?.(types);
    let fail = false;
    let reads = 0;
    const cache = new SchemaCache(
      () => {
        reads++;
        if (fail) return Promise.reject(new Error('database away'));
        return new Promise<ItemType[]>((resolve) => pending.push(resolve));
      },
      bus,
      { ttlMs: 60_000 },
    );
    const early = cache.listItemTypes();
    bus.publish({ kind: 'schema' });
    const late = cache.listItemTypes();
    expect(reads).toBe(2);
    // The read from before the change answers its own callers only; the later one is kept.
    answer([itemType('8')]);
    answer([itemType('9')]);
    expect(keys(await early)).toEqual(['m8']);
    expect(keys(await late)).toEqual(['m9']);
    expect(keys(await cache.listItemTypes())).toEqual(['m9']);
    fail = true;
    bus.publish({ kind: 'schema' });
    await expect(cache.listItemTypes()).rejects.toThrow('database away');
    fail = false;
    const retried = cache.listItemTypes();
    answer([itemType('10')]);
    expect(keys(await retried)).toEqual(['m10']);
    expect(reads).toBe(4);
  });

  it('hands out frozen models, so no caller can change what the others see', async () => {
    const cache = new SchemaCache(async () => [itemType('1')], new ChangeBus(), { ttlMs: 60_000 });
    const [first] = await cache.listItemTypes();
    expect(Object.isFrozen(first)).toBe(true);
    expect(Object.isFrozen(first?.fields)).toBe(true);
    expect(Object.isFrozen(first?.fields[0])).toBe(true);
  });
});

for (const dialect of DIALECTS) {
  describe(`${dialect}: models held by the store`, () => {
    let db: TestDatabase;
    let store: SqlStore;

    beforeAll(async () => {
      db = await createTestDatabase(dialect);
      store = await openStore(db.target);
    });
    afterAll(async () => {
      await store?.close();
      await db?.drop();
    });

    it('reads the models once, and shows a local write on the very next read', async () => {
      const first = await store.listItemTypes();
      expect(await store.listItemTypes()).toBe(first);
      const created = await storeModel(store, { ...model(), fields: [title] }, NOW);
      const afterCreate = await store.listItemTypes();
      expect(keys(afterCreate)).toContain(created.apiKey);
      expect(await store.listItemTypes()).toBe(afterCreate);

      const { id: _id, ...body } = fieldDef('body', 'text', { label: 'Body', position: 2 });
      await store.createField(created.id, body);
      expect((await store.findItemType(created.id))?.fields.map((f) => f.api_key)).toEqual(['title', 'body']);

      await store.deleteItemType(created.id);
      expect(await store.findItemType(created.id)).toBeNull();
      expect(keys(await store.listItemTypes())).not.toContain(created.apiKey);
    });

    it('reads inside a transaction from the transaction, not from memory', async () => {
      const before = await store.listItemTypes();
      const next = model();
      await store.transaction(async (tx) => {
        await tx.createItemType(next, NOW);
        expect(keys(await tx.listItemTypes())).toContain(next.apiKey);
        // Not committed yet: everyone else still sees the models as they were.
        expect(await store.listItemTypes()).toBe(before);
      });
      expect(keys(await store.listItemTypes())).toContain(next.apiKey);
    });

    it('serves from memory until an `all` change, then reads afresh', async () => {
      const created = await store.createItemType(model(), NOW);
      const held = await store.listItemTypes();
      // Written behind the store's back: no change is announced.
      await store.db.updateTable('item_types').set({ name: 'Renamed offline' }).where('id', '=', Number(created.id)).execute();
      expect(await store.listItemTypes()).toBe(held);
      expect((await store.findItemType(created.id))?.name).toBe(created.name);
      store.changes.publish({ kind: 'all' });
      expect((await store.findItemType(created.id))?.name).toBe('Renamed offline');
    });
  });
}

describe.runIf(POSTGRES_URL)('postgres: models changed on another instance', () => {
  let db: TestDatabase;
  let a: SqlStore;
  let b: SqlStore;
  let listener: PgChangeListener;

  beforeAll(async () => {
    db = await createTestDatabase('postgres');
    a = await openStore(db.target);
    b = await openStore(db.target);
    listener = new PgChangeListener({ url: POSTGRES_URL!, bus: b.changes, log: silentLog });
    await listener.start();
  });
  afterAll(async () => {
    await listener?.close();
    await b?.close();
    await a?.close();
    await db?.drop();
  });

  it('shows a model and its fields created, changed and deleted elsewhere once the notification arrives', async () => {
    const held = await b.listItemTypes();
    expect(await b.listItemTypes()).toBe(held);
    const created = await a.createItemType(model(), NOW);
    expect(await eventually(async () => keys(await b.listItemTypes()).includes(created.apiKey))).toBe(true);
    await a.updateItemType(created.id, { ...model(), apiKey: created.apiKey, name: 'Renamed' }, NOW);
    expect(await eventually(async () => (await b.findItemType(created.id))?.name === 'Renamed')).toBe(true);
    // Field writes announce the change the same way.
    const { id: _id, ...body } = fieldDef('body', 'text');
    const added = await a.createField(created.id, body);
    expect(await eventually(async () => (await b.findItemType(created.id))?.fields.some((f) => f.id === added.id) === true)).toBe(true);
    await a.updateField(added.id, { ...body, api_key: 'summary' });
    expect(await eventually(async () => (await b.findItemType(created.id))?.fields[0]?.api_key === 'summary')).toBe(true);
    await a.deleteField(added.id);
    expect(await eventually(async () => (await b.findItemType(created.id))?.fields.length === 0)).toBe(true);
    await a.deleteItemType(created.id);
    expect(await eventually(async () => (await b.findItemType(created.id)) === null)).toBe(true);
  });
});
