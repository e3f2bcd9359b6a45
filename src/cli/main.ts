/**
 * @module
 * The `latchkey` command line.
 */
import { Command } from 'commander';
import { ConfigError, loadConfig, type ConfigInput } from '../config.ts';
import { ApiProblem } from '../core/errors.ts';
import { serve } from './serve.ts';
import { createRuntime } from './runtime.ts';
import { CREATE_FLAGS, tokenCommands, type CreateOptions } from './tokens.ts';
import { KeyCommandError, keyCommands } from './keys.ts';
import { printFactorySecrets } from './output.ts';
import { runDemo } from './demo.ts';

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
  .action((opts: { port?: string; host?: string }) => serve(config({ port: opts.port, host: opts.host })));

program
  .command('init')
  .description('create the database, the Admin role and the factory tokens (prints their secrets once)')
  .action(async () => {
    const cfg = config();
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
    const runtime = await createRuntime(config());
    await runtime.close();
    process.stdout.write('Database is up to date.\n');
  });

program
  .command('demo')
  .description('create an example site with tokens in its own directory, print curl commands to try, and serve it')
  .option('--dir <path>', 'demo data directory (recreated on every run)', './data-demo')
  .option('--port <port>', 'port', '7700')
  .option('--host <host>', 'interface', '127.0.0.1')
  .option('--no-serve', 'only create the demo data and print the commands')
  .action((opts: { dir: string; port: string; host: string; serve: boolean }) => runDemo(opts));

const tokens = program.command('tokens').description('offline token administration, straight on the store');
tokens.command('list').description('list tokens (never their secrets)').action(() => tokenCommands.list(config()));
const createToken = tokens.command('create').description('create a token and print its secret');
for (const { option } of CREATE_FLAGS) createToken.addOption(option);
createToken.action((opts: CreateOptions) => tokenCommands.create(config(), opts));
tokens.command('rotate <id>').description('give a token a new secret and print it').action((id: string) => tokenCommands.rotate(config(), id));
tokens.command('disable <id>').description('disable a token (401 everywhere)').action((id: string) => tokenCommands.disable(config(), id));
tokens.command('enable <id>').description('re-enable a disabled token').action((id: string) => tokenCommands.disable(config(), id, true));
tokens.command('delete <id>').description('delete a token').action((id: string) => tokenCommands.delete(config(), id));

const keys = program.command('keys').description('encryption keys of retrievable secrets: add, re-encrypt, remove');
keys.command('list').description('key versions and how many secrets each seals').action(() => keyCommands.list(config()));
keys.command('add').description('add a new primary key to the key file').action(() => keyCommands.add(config()));
keys.command('reencrypt').description('re-seal every stored secret under the primary key').action(() => keyCommands.reencrypt(config()));
keys
  .command('remove <version>')
  .description('remove a key version that no secret uses any more')
  .action((version: string) => keyCommands.remove(config(), Number(version)));

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof ConfigError) process.stderr.write(`${error.message}\n`);
  else if (error instanceof KeyCommandError) process.stderr.write(`${error.message}\n`);
  else if (error instanceof ApiProblem) process.stderr.write(`${error.code}: ${error.message}\n`);
  else process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
}
