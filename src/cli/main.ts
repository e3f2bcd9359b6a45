/**
 * @module
 * The `latchkey` command line.
 */
import { Command, Option } from 'commander';
import { ConfigError, loadConfig, type ConfigInput } from '../config.ts';
import { ApiProblem } from '../core/errors.ts';
import { serve } from './serve.ts';
import { createRuntime } from './runtime.ts';
import { tokenCommands } from './tokens.ts';
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
tokens
  .command('create')
  .description('create a token and print its secret')
  .requiredOption('--name <name>', 'token name')
  .option('--role <id>', 'role id (default: the Admin role)')
  .option('--user <id>', 'base the token on this user instead of a role')
  .option('--cma', 'may call the Content Management API')
  .option('--cda', 'may call the Content Delivery API')
  .option('--preview', 'may read drafts on the Content Delivery API')
  .addOption(new Option('--permissions <list>', 'comma-separated permission strings').argParser((v) => v.split(',').map((s) => s.trim())))
  .option('--expires-at <datetime>', 'ISO-8601 expiry')
  .action((opts) => tokenCommands.create(config(), opts));
tokens.command('rotate <id>').description('give a token a new secret and print it').action((id: string) => tokenCommands.rotate(config(), id));
tokens.command('disable <id>').description('disable a token (401 everywhere)').action((id: string) => tokenCommands.disable(config(), id));
tokens.command('enable <id>').description('re-enable a disabled token').action((id: string) => tokenCommands.disable(config(), id, true));
tokens.command('delete <id>').description('delete a token').action((id: string) => tokenCommands.delete(config(), id));

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof ConfigError) process.stderr.write(`${error.message}\n`);
  else if (error instanceof ApiProblem) process.stderr.write(`${error.code}: ${error.message}\n`);
  else process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
}
