/**
 * Fields as DatoCMS has them: a resource of their own under their model, with validators that
 * records must meet; models with DatoCMS's attributes, draft mode and duplication.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../support/databases.ts';
import { startHarness, type Harness } from '../support/harness.ts';
import { asAdmin, problem } from './fixtures.ts';

type Doc = {
  data: { id: string; type: string; attributes: Record<string, unknown>; relationships?: Record<string, { data: unknown }>; meta?: Record<string, unknown> };
};

for (const dialect of DIALECTS) {
  describe(`${dialect}: fields and models`, () => {
    let h: Harness;
    beforeAll(async () => {
      h = await startHarness({ dialect });
    });
    afterAll(() => h.close());

    const model = async (apiKey: string, attributes: Record<string, unknown> = {}) => {
      const res = await asAdmin(h, 'POST', '/item-types', { data: { type: 'item_type', attributes: { name: apiKey, api_key: apiKey, ...attributes } } });
      expect(res.statusCode, res.body).toBe(201);
      return (res.json() as Doc).data;
    };
    const addField = (modelId: string, attributes: Record<string, unknown>) =>
      asAdmin(h, 'POST', `/item-types/${modelId}/fields`, { data: { type: 'field', attributes } });
    const field = async (modelId: string, attributes: Record<string, unknown>) => {
      const res = await addField(modelId, { label: String(attributes.api_key), ...attributes });
      expect(res.statusCode, res.body).toBe(201);
      return (res.json() as Doc).data;
    };
    const record = (modelId: string, attributes: Record<string, unknown>) =>
      asAdmin(h, 'POST', '/items', { data: { type: 'item', attributes, relationships: { item_type: { data: { type: 'item_type', id: modelId } } } } });
    const update = (id: string, attributes: Record<string, unknown>) => asAdmin(h, 'PUT', `/items/${id}`, { data: { type: 'item', id, attributes } });
    const refused = (res: { statusCode: number; body: string; json(): unknown }, code: string, field?: string) => {
      expect(res.statusCode, res.body).toBe(422);
      const p = problem(res);
      expect(p.details.code ?? p.code, res.body).toBe(code);
      if (field !== undefined) expect(p.details.field, res.body).toBe(field);
      return p;
    };

    it('adds, lists, finds, reorders and removes fields, and the model lists them as relationships', async () => {
      const book = await model('book');
      expect(book.attributes).not.toHaveProperty('fields');
      expect(book.relationships?.fields).toEqual({ data: [] });
      const title = await field(book.id, { api_key: 'title', field_type: 'string', validators: { required: {} }, hint: 'The cover title' });
      expect(title).toMatchObject({
        type: 'field',
        attributes: {
          api_key: 'title',
          label: 'title',
          field_type: 'string',
          validators: { required: {} },
          position: 1,
          hint: 'The cover title',
          default_value: null,
          localized: false,
        },
        relationships: { item_type: { data: { type: 'item_type', id: book.id } } },
      });
      expect(title.attributes.appearance).toEqual({ editor: 'single_line', parameters: {}, addons: [] });
      const isbn = await field(book.id, { api_key: 'isbn', field_type: 'string' });
      expect(isbn.attributes.position).toBe(2);
      // A given position moves the fields from there on down.
      const year = await field(book.id, { api_key: 'year', field_type: 'integer', position: 1 });
      const order = async () =>
        ((await asAdmin(h, 'GET', `/item-types/${book.id}/fields`)).json() as { data: Doc['data'][] }).data.map((f) => [
          f.attributes.api_key,
          f.attributes.position,
        ]);
      expect(await order()).toEqual([
        ['year', 1],
        ['title', 2],
        ['isbn', 3],
      ]);
      // The model, found by api key, lists them in order.
      const found = (await asAdmin(h, 'GET', '/item-types/book')).json() as Doc;
      expect(found.data.relationships?.fields).toEqual({ data: [year.id, title.id, isbn.id].map((id) => ({ type: 'field', id })) });
      // By id and by `model::field`; the list by the model's api key too.
      expect(((await asAdmin(h, 'GET', `/fields/${isbn.id}`)).json() as Doc).data.attributes.api_key).toBe('isbn');
      expect(((await asAdmin(h, 'GET', '/fields/book::isbn')).json() as Doc).data.id).toBe(isbn.id);
      expect((await asAdmin(h, 'GET', '/item-types/book/fields')).json().data).toHaveLength(3);
      expect((await asAdmin(h, 'GET', '/fields/book::nope')).statusCode).toBe(404);

      const moved = await asAdmin(h, 'PUT', `/fields/${isbn.id}`, { data: { type: 'field', id: isbn.id, attributes: { position: 1, label: 'ISBN' } } });
      expect(moved.statusCode, moved.body).toBe(200);
      expect((moved.json() as Doc).data.attributes).toMatchObject({ label: 'ISBN', position: 1 });
      expect(await order()).toEqual([
        ['isbn', 1],
        ['year', 2],
        ['title', 3],
      ]);

      expect((await asAdmin(h, 'DELETE', `/fields/${year.id}`)).statusCode).toBe(200);
      expect(await order()).toEqual([
        ['isbn', 1],
        ['title', 2],
      ]);
    });

    it('refuses unsupported types, misplaced or malformed validators, and clashing api keys', async () => {
      const note = await model('note_model');
      for (const type of ['file', 'structured_text', 'rich_text', 'gallery', 'video', 'single_block']) {
        const p = refused(await addField(note.id, { api_key: 'x', label: 'X', field_type: type }), 'VALIDATION_INCLUSION', 'field_type');
        expect(String(p.details.message)).toContain(type);
        expect(String(p.details.message)).toContain('date_time');
      }
      refused(
        await addField(note.id, { api_key: 'n', label: 'N', field_type: 'integer', validators: { length: { max: 3 } } }),
        'VALIDATION_INVALID_VALIDATOR',
        'validators/length',
      );
      refused(
        await addField(note.id, { api_key: 'n', label: 'N', field_type: 'string', validators: { length: { min: 5, max: 2 } } }),
        'VALIDATION_INVALID_VALIDATOR',
      );
      refused(
        await addField(note.id, { api_key: 'n', label: 'N', field_type: 'string', validators: { nonsense: {} } }),
        'VALIDATION_INVALID_VALIDATOR',
        'validators/nonsense',
      );
      refused(
        await addField(note.id, { api_key: 'n', label: 'N', field_type: 'string', validators: { enum: { values: [] } } }),
        'VALIDATION_INVALID_VALIDATOR',
      );
      refused(
        await addField(note.id, { api_key: 'n', label: 'N', field_type: 'string', validators: { format: { custom_pattern: '(a+)+$' } } }),
        'VALIDATION_INVALID_VALIDATOR',
      );
      refused(
        await addField(note.id, { api_key: 'n', label: 'N', field_type: 'string', validators: { format: { custom_pattern: 'a'.repeat(201) } } }),
        'VALIDATION_INVALID_VALIDATOR',
      );
      // A link names the models it may point at, and they must exist.
      refused(await addField(note.id, { api_key: 'l', label: 'L', field_type: 'link' }), 'VALIDATION_INVALID_VALIDATOR', 'validators/item_item_type');
      refused(
        await addField(note.id, { api_key: 'l', label: 'L', field_type: 'link', validators: { item_item_type: { item_types: ['999999'] } } }),
        'VALIDATION_INVALID_VALIDATOR',
      );
      refused(await addField(note.id, { api_key: 'n', label: 'N', field_type: 'string', localized: true }), 'VALIDATION_INCLUSION', 'localized');
      refused(await addField(note.id, { api_key: 'n', label: 'N', field_type: 'integer', default_value: 'x' }), 'VALIDATION_TYPE', 'default_value');
      refused(await addField(note.id, { api_key: 'id', label: 'Id', field_type: 'string' }), 'VALIDATION_FORMAT', 'api_key');
      await field(note.id, { api_key: 'n', field_type: 'string' });
      refused(await addField(note.id, { api_key: 'n', label: 'N', field_type: 'string' }), 'VALIDATION_UNIQUENESS', 'api_key');
      // Shape errors are the documented INVALID_FORMAT.
      const shape = await addField(note.id, { api_key: 'm', label: 'M', field_type: 'string', validators: 'required' });
      expect(shape.statusCode).toBe(422);
      expect(problem(shape).code).toBe('INVALID_FORMAT');
    });

    it('enforces the validators on every save', async () => {
      const person = await model('person');
      const contact = await model('contact');
      await field(contact.id, { api_key: 'name', field_type: 'string', validators: { required: {} } });
      await field(contact.id, { api_key: 'email', field_type: 'string', validators: { unique: {}, format: { predefined_pattern: 'email' } } });
      await field(contact.id, { api_key: 'site', field_type: 'string', validators: { format: { predefined_pattern: 'url' } } });
      await field(contact.id, { api_key: 'code', field_type: 'string', validators: { length: { eq: 3 }, format: { custom_pattern: '^[A-Z]+$' } } });
      await field(contact.id, { api_key: 'age', field_type: 'integer', validators: { number_range: { min: 0, max: 150 } } });
      await field(contact.id, { api_key: 'kind', field_type: 'string', validators: { enum: { values: ['friend', 'work'] } } });
      await field(contact.id, { api_key: 'born', field_type: 'date', validators: { date_range: { min: '1900-01-01' } } });
      await field(contact.id, { api_key: 'friend', field_type: 'link', validators: { item_item_type: { item_types: [contact.id] } } });
      await field(contact.id, { api_key: 'people', field_type: 'links', validators: { items_item_type: { item_types: [person.id] }, size: { max: 1 } } });
      await field(contact.id, { api_key: 'greeting', field_type: 'string', default_value: 'Hello' });

      const ok = await record(contact.id, { name: 'Ada', email: 'ada@example.com', code: 'ABC', age: 36, kind: 'work', born: '1990-12-10' });
      expect(ok.statusCode, ok.body).toBe(201);
      const ada = (ok.json() as Doc).data;
      expect(ada.attributes.greeting).toBe('Hello');

      refused(await record(contact.id, { email: 'x@example.com' }), 'VALIDATION_REQUIRED', 'name');
      refused(await record(contact.id, { name: 'B', email: 'ada@example.com' }), 'VALIDATION_UNIQUE', 'email');
      refused(await record(contact.id, { name: 'B', email: 'not an email' }), 'VALIDATION_FORMAT', 'email');
      refused(await record(contact.id, { name: 'B', site: 'ftp://example.com' }), 'VALIDATION_FORMAT', 'site');
      refused(await record(contact.id, { name: 'B', code: 'ABCD' }), 'VALIDATION_LENGTH', 'code');
      refused(await record(contact.id, { name: 'B', code: 'abc' }), 'VALIDATION_FORMAT', 'code');
      refused(await record(contact.id, { name: 'B', age: 151 }), 'VALIDATION_NUMBER_RANGE', 'age');
      refused(await record(contact.id, { name: 'B', kind: 'enemy' }), 'VALIDATION_ENUM', 'kind');
      refused(await record(contact.id, { name: 'B', born: '1899-12-31' }), 'VALIDATION_DATE_RANGE', 'born');
      const someone = (await record(person.id, {})).json() as Doc;
      refused(await record(contact.id, { name: 'B', friend: someone.data.id }), 'VALIDATION_ITEM_ITEM_TYPE', 'friend');
      refused(await record(contact.id, { name: 'B', people: [ada.id] }), 'VALIDATION_ITEMS_ITEM_TYPE', 'people');
      const other = (await record(person.id, {})).json() as Doc;
      refused(await record(contact.id, { name: 'B', people: [someone.data.id, other.data.id] }), 'VALIDATION_SIZE', 'people');
      expect((await record(contact.id, { name: 'B', friend: ada.id, people: [someone.data.id] })).statusCode).toBe(201);

      // A record keeps its own unique value on update; another may not take it.
      expect((await update(ada.id, { email: 'ada@example.com', age: 37 })).statusCode).toBe(200);
      const bob = (await record(contact.id, { name: 'Bob', email: 'bob@example.com' })).json() as Doc;
      refused(await update(bob.data.id, { email: 'ada@example.com' }), 'VALIDATION_UNIQUE', 'email');
      refused(await update(bob.data.id, { name: null }), 'VALIDATION_REQUIRED', 'name');
    });

    it('publishes every save of a model without draft mode, and keeps drafts with it', async () => {
      const live = await model('live_post');
      expect(live.attributes.draft_mode_active).toBe(false);
      await field(live.id, { api_key: 'title', field_type: 'string' });
      const created = (await record(live.id, { title: 'One' })).json() as Doc;
      // Published as created: one save, one version.
      expect(created.data.meta).toMatchObject({ status: 'published', current_version: '1' });
      expect(created.data.meta?.first_published_at).toBe(created.data.meta?.created_at);
      const edited = (await update(created.data.id, { title: 'Two' })).json() as Doc;
      expect(edited.data.meta).toMatchObject({ status: 'published' });
      const cda = await h.request('POST', '/graphql', { token: h.readonlySecret, body: { query: '{ allLivePosts { title } _allLivePostsMeta { count } }' } });
      expect(cda.json()).toEqual({ data: { allLivePosts: [{ title: 'Two' }], _allLivePostsMeta: { count: 1 } } });

      const drafted = await model('drafted_post', { draft_mode_active: true });
      await field(drafted.id, { api_key: 'title', field_type: 'string' });
      const draft = (await record(drafted.id, { title: 'One' })).json() as Doc;
      expect(draft.data.meta).toMatchObject({ status: 'draft', published_at: null });

      // Switching draft mode off: the next save publishes.
      expect((await asAdmin(h, 'PUT', '/item-types/drafted_post', { data: { type: 'item_type', attributes: { draft_mode_active: false } } })).statusCode).toBe(
        200,
      );
      expect(((await update(draft.data.id, { title: 'Out' })).json() as Doc).data.meta).toMatchObject({ status: 'published' });
    });

    it('holds one record in a singleton model', async () => {
      const home = await model('home_page', { singleton: true });
      expect((await record(home.id, {})).statusCode).toBe(201);
      refused(await record(home.id, {}), 'VALIDATION_SINGLETON', 'item_type');
      const found = (await asAdmin(h, 'GET', '/item-types/home_page')).json() as Doc;
      expect(found.data.attributes).toMatchObject({ singleton: true, has_singleton_item: true });
      const many = await model('many_pages');
      await record(many.id, {});
      await record(many.id, {});
      refused(
        await asAdmin(h, 'PUT', `/item-types/${many.id}`, { data: { type: 'item_type', attributes: { singleton: true } } }),
        'VALIDATION_SINGLETON',
        'singleton',
      );
    });

    it('keeps DatoCMS’s model attributes and field relationships, and refuses block models', async () => {
      const page = await model('landing', {
        sortable: true,
        hint: 'Pages',
        collection_appearance: 'compact',
        ordering_direction: 'desc',
        ordering_meta: 'created_at',
      });
      expect(page.attributes).toMatchObject({
        sortable: true,
        hint: 'Pages',
        collection_appearance: 'compact',
        modular_block: false,
        tree: false,
        singleton: false,
        draft_mode_active: false,
      });
      const title = await field(page.id, { api_key: 'title', field_type: 'string' });
      const set = await asAdmin(h, 'PUT', `/item-types/${page.id}`, {
        data: { type: 'item_type', id: page.id, relationships: { title_field: { data: { type: 'field', id: title.id } } } },
      });
      expect(set.statusCode, set.body).toBe(200);
      expect((set.json() as Doc).data.relationships?.title_field).toEqual({ data: { type: 'field', id: title.id } });
      const other = await field((await model('elsewhere')).id, { api_key: 'x', field_type: 'string' });
      const foreign = await asAdmin(h, 'PUT', `/item-types/${page.id}`, {
        data: { type: 'item_type', relationships: { title_field: { data: { type: 'field', id: other.id } } } },
      });
      expect(foreign.statusCode).toBe(422);
      expect(problem(foreign).code).toBe('INVALID_RELATIONSHIP');
      // Removing the field clears the model's reference to it.
      await asAdmin(h, 'DELETE', `/fields/${title.id}`);
      expect(((await asAdmin(h, 'GET', `/item-types/${page.id}`)).json() as Doc).data.relationships?.title_field).toEqual({ data: null });
      refused(
        await asAdmin(h, 'POST', '/item-types', { data: { type: 'item_type', attributes: { name: 'Block', api_key: 'block', modular_block: true } } }),
        'VALIDATION_INCLUSION',
        'modular_block',
      );
    });

    it('duplicates a model with its fields under <api_key>_copy, without records', async () => {
      const recipe = await model('recipe');
      await field(recipe.id, { api_key: 'name', field_type: 'string', validators: { required: {} } });
      await field(recipe.id, { api_key: 'slug', field_type: 'slug' });
      await record(recipe.id, { name: 'Soup' });
      const res = await asAdmin(h, 'POST', '/item-types/recipe/duplicate');
      expect(res.statusCode, res.body).toBe(201);
      const copy = (res.json() as Doc).data;
      expect(copy.attributes).toMatchObject({ name: 'recipe (copy)', api_key: 'recipe_copy' });
      const fields = ((await asAdmin(h, 'GET', `/item-types/${copy.id}/fields`)).json() as { data: Doc['data'][] }).data;
      expect(fields.map((f) => [f.attributes.api_key, f.attributes.validators])).toEqual([
        ['name', { required: {} }],
        ['slug', {}],
      ]);
      expect((await asAdmin(h, 'GET', `/items?filter[type]=${copy.id}`)).json().data).toEqual([]);
      expect(((await asAdmin(h, 'POST', '/item-types/recipe/duplicate')).json() as Doc).data.attributes.api_key).toBe('recipe_copy2');
    });

    it('moves values with a renamed field, clears them with a removed one, and keeps those that fit a new type', async () => {
      const memo = await model('memo');
      const subject = await field(memo.id, { api_key: 'subject', field_type: 'string' });
      const count = await field(memo.id, { api_key: 'count', field_type: 'string' });
      const one = ((await record(memo.id, { subject: 'Hi', count: 'five' })).json() as Doc).data.id;
      const renamed = await asAdmin(h, 'PUT', `/fields/${subject.id}`, { data: { type: 'field', attributes: { api_key: 'topic' } } });
      expect(renamed.statusCode, renamed.body).toBe(200);
      const read = async () => ((await asAdmin(h, 'GET', `/items/${one}`)).json() as Doc).data.attributes;
      expect(await read()).toMatchObject({ topic: 'Hi' });
      expect(await read()).not.toHaveProperty('subject');
      // A value that does not fit the new type reads as null (and is kept should the type change back).
      expect((await asAdmin(h, 'PUT', `/fields/${count.id}`, { data: { type: 'field', attributes: { field_type: 'text' } } })).statusCode).toBe(200);
      expect(await read()).toMatchObject({ count: 'five' });
      // Removed, then added again under the same key: the old values are gone.
      expect((await asAdmin(h, 'DELETE', '/fields/memo::topic')).statusCode).toBe(200);
      await field(memo.id, { api_key: 'topic', field_type: 'string' });
      expect(await read()).toMatchObject({ topic: null });
    });

    it('takes the older inline field list on create, with required as a flag', async () => {
      const res = await asAdmin(h, 'POST', '/item-types', {
        data: {
          type: 'item_type',
          attributes: {
            name: 'Legacy',
            api_key: 'legacy',
            fields: [
              { api_key: 'title', field_type: 'string', required: true },
              { api_key: 'body', field_type: 'text' },
            ],
          },
        },
      });
      expect(res.statusCode, res.body).toBe(201);
      const fields = ((await asAdmin(h, 'GET', '/item-types/legacy/fields')).json() as { data: Doc['data'][] }).data;
      expect(fields.map((f) => [f.attributes.api_key, f.attributes.position, f.attributes.validators])).toEqual([
        ['title', 1, { required: {} }],
        ['body', 2, {}],
      ]);
      const dup = await asAdmin(h, 'POST', '/item-types', {
        data: {
          type: 'item_type',
          attributes: {
            name: 'Twice',
            api_key: 'twice',
            fields: [
              { api_key: 'a', field_type: 'string' },
              { api_key: 'a', field_type: 'text' },
            ],
          },
        },
      });
      refused(dup, 'VALIDATION_UNIQUENESS', 'fields/1/api_key');
      expect((await asAdmin(h, 'GET', '/item-types/twice')).statusCode).toBe(404);
    });
  });
}
