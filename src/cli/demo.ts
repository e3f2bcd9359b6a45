/**
 * @module
 * `latchkey demo`: a small example site in its own data directory (a website with pages and
 * articles, some of them drafts), three delivery tokens that show the layers at work, and the curl
 * commands to try them. It then serves that directory, so the commands work as printed.
 */
import { newTokenGrants } from '../core/model.ts';
import { CLI_CONTEXT } from '../core/audit.ts';
import { createItemType, itemTypeInput } from '../core/content/item-types.ts';
import { createItem, publishItem, updateItem } from '../core/content/item-writes.ts';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { envNameOf, loadConfig, type Config } from '../config.ts';
import { ApiProblem } from '../core/errors.ts';
import { createToken, type TokenGrants } from '../core/tokens.ts';
import { createRuntime, DATABASE_FILE, type Runtime } from './runtime.ts';
import { serve } from './serve.ts';

const MARKER = '.latchkey-demo';

export interface DemoSeed {
  readonly adminSecret: string;
  readonly tokens: { readonly readonly: string; readonly preview: string; readonly journal: string };
  readonly ids: { readonly website: string; readonly journal: string; readonly about: string; readonly draft: string; readonly otherWebsite: string };
}

/** Seeds a freshly initialised project; `adminSecret` is the full-access secret `init` just minted. */
export async function seedDemo(runtime: Runtime, adminSecret: string): Promise<DemoSeed> {
  const { content } = runtime.deps;
  // Draft mode on: the demo keeps some records as drafts, for the preview token to show.
  const website = await createItemType(
    runtime.deps,
    itemTypeInput({
      draftModeActive: true,
      name: 'Website',
      apiKey: 'website',
      tree: true,
      fields: [
        { api_key: 'name', label: 'Name', field_type: 'string', validators: { required: {} } },
        { api_key: 'domain', label: 'Domain', field_type: 'string' },
      ],
    }),
    CLI_CONTEXT,
  );
  const page = await createItemType(
    runtime.deps,
    itemTypeInput({
      draftModeActive: true,
      name: 'Page',
      apiKey: 'page',
      tree: true,
      fields: [
        { api_key: 'title', label: 'Title', field_type: 'string', validators: { required: {} } },
        { api_key: 'body', label: 'Body', field_type: 'text' },
      ],
    }),
    CLI_CONTEXT,
  );
  const article = await createItemType(
    runtime.deps,
    itemTypeInput({
      draftModeActive: true,
      name: 'Article',
      apiKey: 'article',
      tree: false,
      fields: [
        { api_key: 'title', label: 'Title', field_type: 'string', validators: { required: {} } },
        { api_key: 'summary', label: 'Summary', field_type: 'text' },
        { api_key: 'published_on', label: 'Published on', field_type: 'date' },
        { api_key: 'reading_minutes', label: 'Reading time', field_type: 'integer' },
      ],
    }),
    CLI_CONTEXT,
  );

  const add = async (typeId: string, values: Record<string, unknown>, parentId: string | null, publish = true) => {
    const item = await createItem(content, null, { itemTypeId: typeId, values, parentId });
    return publish ? publishItem(content, null, item.id, CLI_CONTEXT) : item;
  };
  const acme = await add(website.id, { name: 'Acme Garden Co.', domain: 'acme-garden.example' }, null);
  const about = await add(page.id, { title: 'About us', body: 'We grow things.' }, acme.id);
  const journal = await add(page.id, { title: 'Journal', body: 'Notes from the garden.' }, acme.id);
  await add(article.id, { title: 'Planting tomatoes', summary: 'Deep holes, warm soil.', published_on: '2026-03-02', reading_minutes: 4 }, journal.id);
  await add(article.id, { title: 'Spring checklist', summary: 'Ten jobs for March.', published_on: '2026-03-09', reading_minutes: 6 }, journal.id);
  const compost = await add(article.id, { title: 'Compost 101', summary: 'Browns and greens.', published_on: '2026-02-20', reading_minutes: 5 }, journal.id);
  await updateItem(content, null, compost.id, { values: { summary: 'Browns, greens, and patience (rewritten, not yet published).' } });
  const draft = await add(article.id, { title: 'Winter pruning', summary: 'Coming soon.', reading_minutes: 7 }, journal.id, false);
  await add(article.id, { title: 'Team notes', summary: 'An article about the team.', reading_minutes: 2 }, about.id);
  const tools = await add(website.id, { name: 'Acme Tools', domain: 'acme-tools.example' }, null);
  const catalogue = await add(page.id, { title: 'Catalogue' }, tools.id);
  await add(article.id, { title: 'New shears', summary: 'Sharper than ever.', reading_minutes: 3 }, catalogue.id);

  const adminRole = (await runtime.store.listRoles()).find((r) => r.name === 'Admin');
  if (!adminRole) throw new ApiProblem('NOT_FOUND', { message: 'The Admin role is missing' });
  // All three sit on the Admin role, which can write everything: the surface flags, the preview
  // flag and the root nodes are what keep them read-only, draft-free or inside one section.
  const grants = (name: string, extra: Partial<TokenGrants>): TokenGrants =>
    newTokenGrants({ name, canAccessCda: true, canAccessCdaPreview: false, canAccessCma: false, roleId: adminRole.id, ...extra });
  const readonly = await createToken(runtime.tokens, grants('Demo: published content', {}), null, CLI_CONTEXT);
  const preview = await createToken(runtime.tokens, grants('Demo: preview (drafts)', { canAccessCdaPreview: true }), null, CLI_CONTEXT);
  const section = await createToken(
    runtime.tokens,
    grants('Demo: Journal section only', { canAccessCdaPreview: true, rootNodeIds: [journal.id] }),
    null,
    CLI_CONTEXT,
  );
  return {
    adminSecret,
    tokens: { readonly: readonly.secret, preview: preview.secret, journal: section.secret },
    ids: { website: acme.id, journal: journal.id, about: about.id, draft: draft.id, otherWebsite: tools.id },
  };
}

/** The curl commands the demo prints, one per thing worth seeing. */
/**
 * The shell variables the demo's commands (and the README's demo examples) use: the server's URL
 * and the secrets just minted. Printed as `export` lines, so the commands run as printed.
 */
export function demoVariables(seed: DemoSeed, baseUrl: string): Record<'LK' | 'READONLY' | 'PREVIEW' | 'JOURNAL' | 'TOKEN', string> {
  return { LK: baseUrl, READONLY: seed.tokens.readonly, PREVIEW: seed.tokens.preview, JOURNAL: seed.tokens.journal, TOKEN: seed.adminSecret };
}

/** Ready-to-run curl commands, reading the server and the secrets from {@link demoVariables}. */
export function demoCommands(seed: DemoSeed): { title: string; command: string }[] {
  const gql = (token: string, query: string, drafts = false) =>
    `curl -s $LK/graphql -H "Authorization: Bearer $${token}"${drafts ? " -H 'X-Include-Drafts: true'" : ''} \\\n  -d '${JSON.stringify({ query })}'`;
  return [
    {
      title: 'Published articles with the read-only token',
      command: gql('READONLY', '{ allArticles(orderBy: [title_ASC]) { title _status } _allArticlesMeta { count } }'),
    },
    {
      title: 'The same with drafts, using the preview token',
      command: gql('PREVIEW', '{ allArticles(orderBy: [title_ASC]) { title summary _status } _allArticlesMeta { count } }', true),
    },
    { title: 'Asking for drafts without the preview flag (401)', command: gql('READONLY', '{ allArticles { title } }', true) },
    {
      title: 'The site tree, walked through _children (children of every model)',
      command: gql(
        'READONLY',
        `{ website(id: "${seed.ids.website}") { name _children { ... on PageRecord { title _children { ... on ArticleRecord { title } } } } } }`,
      ),
    },
    {
      title: 'The Journal-only token: lists and counts leave everything else out',
      command: gql('JOURNAL', '{ allArticles { title } _allArticlesMeta { count } allWebsites { name } }'),
    },
    {
      title: 'The Journal-only token asking for a page outside its section (error on that field)',
      command: gql('JOURNAL', `{ page(id: "${seed.ids.about}") { title } }`),
    },
    { title: 'The read-only token on the management API (401: no CMA access)', command: 'curl -s $LK/items -H "Authorization: Bearer $READONLY"' },
    {
      title: 'Records on the management API with the full-access token',
      command: `curl -s -g "$LK/items?filter[type]=article&page[limit]=3" -H "Authorization: Bearer $TOKEN"`,
    },
  ];
}

/** A fresh demo database in `dataDir`; refuses a directory that holds anything but an earlier demo. */
export async function prepareDemo(config: Config): Promise<{ runtime: Runtime; seed: DemoSeed }> {
  const database = join(config.dataDir, DATABASE_FILE);
  if (existsSync(database)) {
    if (!existsSync(join(config.dataDir, MARKER))) {
      throw new ApiProblem('INVALID_PARAMS', { message: `${config.dataDir} holds a Latchkey project that is not a demo; pick another --dir` });
    }
    for (const suffix of ['', '-wal', '-shm']) rmSync(`${database}${suffix}`, { force: true });
  }
  const runtime = await createRuntime(config);
  writeFileSync(join(config.dataDir, MARKER), 'This directory holds the Latchkey demo; `latchkey demo` recreates it.\n');
  const { created } = await runtime.init();
  if (!created) throw new Error('expected a fresh demo project');
  return { runtime, seed: await seedDemo(runtime, created.admin) };
}

/**
 * Settings that point at a real project's data: the demo never picks them up, so it cannot touch
 * that project (it always runs on its own SQLite directory, with its own keys and tokens).
 */
const PROJECT_SETTINGS = new Set(
  (['dataDir', 'databaseUrl', 'redisUrl', 'encryptionKeys', 'bootstrapAdminToken', 'bootstrapReadonlyToken'] as const).map(envNameOf),
);

export async function runDemo(options: { dir: string; port?: string; host?: string; serve: boolean }, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  // Every other setting applies as to `serve` (port, host, limits…), flags first.
  const settings = Object.fromEntries(Object.entries(env).filter(([name]) => !PROJECT_SETTINGS.has(name)));
  const config = loadConfig(
    { dataDir: options.dir, port: options.port, host: options.host, ...(settings[envNameOf('logLevel')] ? {} : { logLevel: 'warn' }) },
    settings,
  );
  const { runtime, seed } = await prepareDemo(config);
  await runtime.close();
  const baseUrl = `http://${config.host}:${config.port}`;
  const lines = [
    '',
    `  Latchkey demo: an example site in ${config.dataDir}`,
    '  (website "Acme Garden Co." with pages and articles, some drafts; a second website "Acme Tools").',
    '',
    ...Object.entries(demoVariables(seed, baseUrl)).map(([name, value]) => `  export ${name}=${value}`),
    '',
    ...demoCommands(seed).flatMap(({ title, command }) => [`  # ${title}`, `  ${command.replace(/\n/g, '\n  ')}`, '']),
    options.serve ? `  Serving on ${baseUrl}; stop with Ctrl-C.` : `  Start the server with: latchkey serve --data-dir ${config.dataDir}`,
    '',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  if (options.serve) await serve(config);
}
