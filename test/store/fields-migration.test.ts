/**
 * Migration 009 moves every model's JSON field list into rows of `fields`, in order, and back.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM_CONTEXT } from '../../src/core/audit.ts';
import { createField, updateField } from '../../src/core/content/schema-fields.ts';
import { migrate, openStore } from '../../src/store/database.ts';
import { migrationProvider } from '../../src/store/migrations/index.ts';
import type { SqlStore } from '../../src/store/sql-store.ts';
import { DIALECTS, createTestDatabase, type TestDatabase } from '../support/databases.ts';

const NOW = '2026-12-01T10:00:00.000Z';

for (const dialect of DIALECTS) {
  describe(`${dialect}: migration 009 (fields as rows)`, () => {
    let db: TestDatabase;
    let store: SqlStore;
    let schema: string | undefined;

    beforeAll(async () => {
      db = await createTestDatabase(dialect);
      store = await openStore(db.target);
      schema = db.target.kind === 'postgres' ? db.target.schema : undefined;
    });
    afterAll(async () => {
      await store?.close();
      await db?.drop();
    });

    /** Every migration after `name`, in order: going back to it undoes them all, newest first. */
    const migrationsAfter = async (name: string) => Object.keys(await migrationProvider.getMigrations()).filter((n) => n > name);

    const migrator = async () => {
      const { Migrator } = await import('kysely');
      return new Migrator({ db: store.db, provider: migrationProvider, ...(schema ? { migrationTableSchema: schema } : {}) });
    };

    it('moves each model’s field list into rows in order, with required as a validator, and keeps old models in draft mode', async () => {
      const back = await (await migrator()).migrateTo('008-item-versions');
      expect(back.error).toBeUndefined();
      const fields = [
        { api_key: 'title', label: 'Title', field_type: 'string', required: true },
        { api_key: 'body', label: 'Body', field_type: 'text', required: false },
        { api_key: 'author', field_type: 'link' },
      ];
      const insert = async (apiKey: string, list: unknown[]) =>
        (
          await sql<{ id: number }>`insert into item_types (name, api_key, fields, tree, created_at, updated_at)
          values (${apiKey}, ${apiKey}, ${JSON.stringify(list)}, 0, ${NOW}, ${NOW}) returning id`.execute(store.db)
        ).rows[0]!.id;
      const article = await insert('article', fields);
      const empty = await insert('empty', []);

      expect(await migrate(store.db, schema)).toEqual(await migrationsAfter('008-item-versions'));
      // Read afresh: the store's model cache was filled before the data was put back.
      const models = await store.transaction((tx) => tx.listItemTypes());
      const moved = models.find((m) => m.id === String(article))!;
      expect(moved.draftModeActive).toBe(true);
      expect(moved.fields.map((f) => [f.api_key, f.label, f.field_type, f.position, f.validators])).toEqual([
        ['title', 'Title', 'string', 1, { required: {} }],
        ['body', 'Body', 'text', 2, {}],
        // A link could point at any model before; it still can.
        ['author', 'author', 'link', 3, {}],
      ]);
      expect(moved.fields[0]).toMatchObject({
        localized: false,
        hint: null,
        default_value: null,
        appearance: { editor: 'single_line', parameters: {}, addons: [] },
      });
      expect(models.find((m) => m.id === String(empty))?.fields).toEqual([]);
      // Such a link may be edited as it is; a new link field would have to name its models.
      const deps = { store, clock: { now: () => Date.parse(NOW) } };
      const relabelled = await updateField(deps, 'article::author', (f) => ({ ...f, label: 'Author' }), SYSTEM_CONTEXT);
      expect(relabelled.field).toMatchObject({ label: 'Author', validators: {} });
      await expect(createField(deps, String(article), { api_key: 'editor', label: 'Editor', field_type: 'link' }, SYSTEM_CONTEXT)).rejects.toMatchObject({
        details: { field: 'validators/item_item_type' },
      });
    });

    it('puts the lists back on the way down', async () => {
      const back = await (await migrator()).migrateTo('008-item-versions');
      expect(back.error).toBeUndefined();
      const { rows } = await sql<{ api_key: string; fields: string }>`select api_key, fields from item_types where api_key = 'article'`.execute(store.db);
      expect(JSON.parse(rows[0]!.fields)).toEqual([
        { api_key: 'title', label: 'Title', field_type: 'string', required: true },
        { api_key: 'body', label: 'Body', field_type: 'text', required: false },
        { api_key: 'author', label: 'Author', field_type: 'link', required: false },
      ]);
      expect(await migrate(store.db, schema)).toEqual(await migrationsAfter('008-item-versions'));
    });
  });
}
