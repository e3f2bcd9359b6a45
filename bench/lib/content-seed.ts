/**
 * @module
 * Content at scale: a project whose `article` model holds up to a million published records,
 * spread over a small tree of sections. The project, its models, its sections, its tokens and one
 * template article are made through the app's own services, so the server sees exactly what it
 * would have written; the remaining articles are copies of the template's row written straight
 * into `items` (one transaction per batch, one prepared statement, the model's counters stepped
 * with it), because a million records
 * through the create and publish use cases would take hours and measure nothing we care about.
 * A store grows in place: seeding 100,000 after 1,000 only adds the 99,000 missing records.
 */
import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { SYSTEM_CONTEXT } from '../../src/core/audit.ts';
import { newTokenGrants } from '../../src/core/model.ts';
import { createToken } from '../../src/core/tokens.ts';
import { createItemType, itemTypeInput } from '../../src/core/content/item-types.ts';
import { createItem, publishItem } from '../../src/core/content/item-writes.ts';
import { loadConfig } from '../../src/config.ts';
import { createRuntime, DATABASE_FILE } from '../../src/cli/runtime.ts';
import { BENCH_RATE_LIMIT } from './seed.ts';
import { field } from '../server/content.ts';

/** Sections under the one website, and sub-sections under each: the leaves hold the articles. */
export const SECTIONS = 10;
export const SUBSECTIONS = 4;
const LEAVES = SECTIONS * SUBSECTIONS;

export interface ScaleStore {
  readonly dataDir: string;
  readonly articleTypeId: string;
  /** Secrets of the unscoped token and of the token whose root node is the first section. */
  readonly secrets: { readonly unscoped: string; readonly scoped: string };
  /** Id of article 0, the template; article `n` has id `firstArticleId + n`. */
  readonly firstArticleId: number;
  /** Leaf sections in creation order, with their materialised paths. */
  readonly leaves: readonly { readonly id: number; readonly path: string }[];
  /** Articles currently stored. */
  seeded: number;
}

/**
 * A title that sorts in no relation to the record's id (so `orderBy: title_ASC` really sorts), yet
 * is known from the index alone and unique (so an `eq` filter matches exactly one record).
 */
export function titleOf(n: number): string {
  let h = Math.imul(n + 1, 0x9e3779b1) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) >>> 0;
  return `${h.toString(36).padStart(7, '0')} article ${n}`;
}

const BODY = 'Every request carries a bearer token; the server decides what it may read. '.repeat(3).trim();
const bodyOf = (n: number) => `${BODY} (${n})`;

/** Articles of the first section (the scoped token's root): the leaves 0..SUBSECTIONS-1. */
export const inScope = (n: number): boolean => n % LEAVES < SUBSECTIONS;

export function visibleCounts(records: number): { unscoped: number; scoped: number } {
  let scoped = 0;
  for (let leaf = 0; leaf < SUBSECTIONS; leaf++) scoped += leaf < records ? Math.ceil((records - leaf) / LEAVES) : 0;
  return { unscoped: records, scoped };
}

/** An article both tokens may read, in the middle of the records of a level. */
export const middleInScope = (records: number): number => Math.floor(records / 2 / LEAVES) * LEAVES;

/** A fresh project with the section tree, the two tokens and article 0, all made by the app itself. */
export async function createScaleStore(dataDir: string): Promise<ScaleStore> {
  const runtime = await createRuntime(loadConfig({ dataDir, logLevel: 'silent' }, {}));
  try {
    await runtime.init();
    const role = (await runtime.store.listRoles()).find((r) => r.name === 'Admin');
    if (!role) throw new Error('no Admin role after init');
    const { content } = runtime.deps;
    const section = await createItemType(
      runtime.deps,
      itemTypeInput({ draftModeActive: true, name: 'Section', apiKey: 'section', tree: true, fields: [field('title', 'string', true)] }),
      SYSTEM_CONTEXT,
    );
    const article = await createItemType(
      runtime.deps,
      itemTypeInput({
        draftModeActive: true,
        name: 'Article',
        apiKey: 'article',
        tree: false,
        fields: [field('title', 'string', true), field('body', 'text')],
      }),
      SYSTEM_CONTEXT,
    );
    const publish = async (itemTypeId: string, values: Record<string, unknown>, parentId: string | null) => {
      const created = await createItem(content, null, { itemTypeId, values, parentId });
      await publishItem(content, null, created.id, SYSTEM_CONTEXT);
      return created;
    };
    const site = await publish(section.id, { title: 'Website' }, null);
    const roots: string[] = [];
    const leaves: { id: number; path: string }[] = [];
    for (let s = 0; s < SECTIONS; s++) {
      const top = await publish(section.id, { title: `Section ${s}` }, site.id);
      roots.push(top.id);
      for (let sub = 0; sub < SUBSECTIONS; sub++) {
        const leaf = await publish(section.id, { title: `Section ${s}.${sub}` }, top.id);
        leaves.push({ id: Number(leaf.id), path: `/${leaf.pathIds.join('/')}/` });
      }
    }
    const template = await publish(article.id, { title: titleOf(0), body: bodyOf(0) }, String(leaves[0]!.id));
    const grants = newTokenGrants({
      name: 'bench content',
      canAccessCda: true,
      canAccessCdaPreview: true,
      canAccessCma: true,
      roleId: role.id,
      rateLimit: BENCH_RATE_LIMIT,
    });
    const unscoped = await createToken(runtime.tokens, grants, null, SYSTEM_CONTEXT);
    const scoped = await createToken(runtime.tokens, { ...grants, name: 'bench content, first section', rootNodeIds: [roots[0]!] }, null, SYSTEM_CONTEXT);
    return {
      dataDir,
      articleTypeId: article.id,
      secrets: { unscoped: unscoped.secret, scoped: scoped.secret },
      firstArticleId: Number(template.id),
      leaves,
      seeded: 1,
    };
  } finally {
    await runtime.close();
  }
}

type Row = Record<string, unknown>;

/**
 * Adds articles until `records` are stored; returns the seconds it took. Every column of the
 * template row is copied, so a column added later keeps the value the app gave the template;
 * only identity, place, values and times change.
 */
export function growScaleStore(store: ScaleStore, records: number): number {
  if (records <= store.seeded) return 0;
  const started = performance.now();
  const db = new SqliteDatabase(join(store.dataDir, DATABASE_FILE));
  try {
    // No server has the file open while it grows, so it needs no journal and no fsync.
    db.pragma('journal_mode = OFF');
    db.pragma('synchronous = OFF');
    db.pragma('cache_size = -262144');
    const template = db.prepare('SELECT * FROM items WHERE id = ?').get(store.firstArticleId) as Row | undefined;
    if (!template) throw new Error('the template article is gone');
    // The copies must be shaped exactly like the app's own rows, or the numbers measure something else.
    const expected = JSON.stringify({ title: titleOf(0), body: bodyOf(0) });
    if (template.current !== expected || template.published !== expected) {
      throw new Error(`the template article is stored as ${String(template.current)}, not ${expected}: update the seeding`);
    }
    const columns = Object.keys(template);
    const insert = db.prepare(`INSERT INTO items (${columns.map((c) => `"${c}"`).join(', ')}) VALUES (${columns.map((c) => `@${c}`).join(', ')})`);
    const base = Date.parse(String(template.created_at));
    // The model's record counters (migration 005) move with each batch, as the app's writes move them.
    const counted = db.prepare('UPDATE item_counts SET total = total + @n, published = published + @n WHERE item_type_id = @type');
    // So do the subtree counters (migration 006): each article's own row, and its ancestors' rows
    // (the website, its section, its leaf) by the batch's articles below each of them.
    const own = db.prepare('INSERT INTO item_subtree_counts (ancestor_id, item_type_id, total, published) VALUES (@id, @type, 1, 1)');
    const above = db.prepare(
      `INSERT INTO item_subtree_counts (ancestor_id, item_type_id, total, published) VALUES (@id, @type, @n, @n)
       ON CONFLICT (ancestor_id, item_type_id) DO UPDATE SET total = total + excluded.total, published = published + excluded.published`,
    );
    const batch = db.transaction((from: number, to: number) => {
      counted.run({ n: to - from, type: template.item_type_id });
      const below = new Map<string, number>();
      for (let n = from; n < to; n++) {
        const leaf = store.leaves[n % LEAVES]!;
        const id = store.firstArticleId + n;
        for (const ancestor of leaf.path.split('/').filter((s) => s !== '')) below.set(ancestor, (below.get(ancestor) ?? 0) + 1);
        const values = JSON.stringify({ title: titleOf(n), body: bodyOf(n) });
        const at = new Date(base + n * 1000).toISOString();
        insert.run({
          ...template,
          id,
          parent_id: leaf.id,
          position: Math.floor(n / LEAVES),
          path: `${leaf.path}${id}/`,
          current: values,
          published: values,
          created_at: at,
          updated_at: at,
          published_at: at,
        });
        own.run({ id, type: template.item_type_id });
      }
      for (const [id, n] of below) above.run({ id: Number(id), type: template.item_type_id, n });
    });
    for (let from = store.seeded; from < records; from += 50_000) batch(from, Math.min(records, from + 50_000));
    db.pragma('journal_mode = WAL');
  } finally {
    db.close();
  }
  store.seeded = records;
  return (performance.now() - started) / 1000;
}
