/**
 * @module
 * The `latchkey` command line. Each command loads its modules when it runs, so `--help` and the
 * offline commands never load the HTTP server or the GraphQL schema.
 */
import { Command } from 'commander';
import { loadConfig, type ConfigInput } from '../config.ts';
import { exitWithFailure } from './failure.ts';
import { CREATE_FLAGS, type CreateOptions } from './token-flags.ts';

interface GlobalFlags {
  dataDir?: string;
  databaseUrl?: string;
}

const program = new Command('latchkey')
  .description('Self-hosted API tokens for content APIs')
  .option('--data-dir <path>', 'data directory (SQLite database and key file) [LATCHKEY_DATA_DIR, ./data]')
  .option('--database-url <url>', 'PostgreSQL URL instead of the embedded SQLite [LATCHKEY_DATABASE_URL]')
  .showHelpAfterError();

const config = (extra: Partial<ConfigInput> = {}) => {
  const flags = program.opts<GlobalFlags>();
  return loadConfig({ dataDir: flags.dataDir, databaseUrl: flags.databaseUrl, ...extra });
};

program
  .command('serve', { isDefault: true })
  .description('initialise if needed and serve the API')
  .option('--port <port>', 'port [LATCHKEY_PORT, 7700]')
  .option('--host <host>', 'interface [LATCHKEY_HOST, 127.0.0.1]')
  .action(async (opts: { port?: string; host?: string }) => {
    const cfg = config({ port: opts.port, host: opts.host });
    const { serve } = await import('./serve.ts');
    await serve(cfg);
  });

program
  .command('init')
  .description('create the database, the Admin role and the factory tokens (prints their secrets once)')
  .action(async () => {
    const cfg = config();
    const [{ createRuntime }, { printFactorySecrets }] = await Promise.all([import('./runtime.ts'), import('./output.ts')]);
    const runtime = await createRuntime(cfg);
    try {
      const { created } = await runtime.init();
      if (created) printFactorySecrets(created, cfg.bootstrapAdminToken !== undefined || cfg.bootstrapReadonlyToken !== undefined);
      else process.stdout.write('Already initialised; nothing changed.\n');
    } finally {
      await runtime.close();
    }
  });

program
  .command('migrate')
  .description('apply pending database migrations')
  .action(async () => {
    const cfg = config();
    const { createRuntime } = await import('./runtime.ts');
    const runtime = await createRuntime(cfg);
    await runtime.close();
    process.stdout.write('Database is up to date.\n');
  });

program
  .command('demo')
  .description('create an example site with tokens in its own directory, print curl commands to try, and serve it')
  .option('--dir <path>', 'demo data directory (recreated on every run)', './data-demo')
  .option('--port <port>', 'port [LATCHKEY_PORT, 7700]')
  .option('--host <host>', 'interface [LATCHKEY_HOST, 127.0.0.1]')
  .option('--no-serve', 'only create the demo data and print the commands')
  .action(async (opts: { dir: string; port?: string; host?: string; serve: boolean }) => {
    const { runDemo } = await import('./demo.ts');
    await runDemo(opts);
  });

const tokenCommands = async () => (await import('./tokens.ts')).tokenCommands;
const keyCommands = async () => (await import('./keys.ts')).keyCommands;

const tokens = program.command('tokens').description('offline token administration, straight on the store');
tokens
  .command('list')
  .description('list tokens (never their secrets)')
  .action(async () => (await tokenCommands()).list(config()));
const createToken = tokens.command('create').description('create a token and print its secret');
for (const { option } of CREATE_FLAGS) createToken.addOption(option);
createToken.action(async (opts: CreateOptions) => (await tokenCommands()).create(config(), opts));
tokens
  .command('rotate <id>')
  .description('give a token a new secret and print it')
  .action(async (id: string) => (await tokenCommands()).rotate(config(), id));
tokens
  .command('disable <id>')
  .description('disable a token (401 everywhere)')
  .action(async (id: string) => (await tokenCommands()).disable(config(), id));
tokens
  .command('enable <id>')
  .description('re-enable a disabled token')
  .action(async (id: string) => (await tokenCommands()).disable(config(), id, true));
tokens
  .command('delete <id>')
  .description('delete a token')
  .action(async (id: string) => (await tokenCommands()).delete(config(), id));

const keys = program.command('keys').description('encryption keys of retrievable secrets: add, re-encrypt, remove');
keys
  .command('list')
  .description('key versions and how many secrets each seals')
  .action(async () => (await keyCommands()).list(config()));
keys
  .command('add')
  .description('add a new primary key to the key file')
  .action(async () => (await keyCommands()).add(config()));
keys
  .command('reencrypt')
  .description('re-seal every stored secret under the primary key')
  .action(async () => (await keyCommands()).reencrypt(config()));
keys
  .command('remove <version>')
  .description('remove a key version that no secret uses any more')
  .action(async (version: string) => (await keyCommands()).remove(config(), Number(version)));

try {
  await program.parseAsync(process.argv);
} catch (error) {
  exitWithFailure(error);
}
