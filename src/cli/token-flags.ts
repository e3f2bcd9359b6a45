/**
 * @module
 * The options of `latchkey tokens create`, one per grant field that declares a CLI flag
 * (`core/grants.ts`). Apart from the command itself, so that defining the command line (and
 * `--help`) loads no store.
 */
import { Option } from 'commander';
import { GRANT_KEYS, grantField, type CliInput } from '../core/grants.ts';

/** One option of `tokens create` per grant field that declares a CLI flag (`core/grants.ts`). */
export const CREATE_FLAGS = GRANT_KEYS.flatMap((key) => {
  const { cli, default: declared } = grantField(key);
  if (!cli) return [];
  const option = new Option(cli.flags, cli.description);
  // A field without a default and without a value for an absent flag must be given.
  if (declared === 'required' && cli.absent === undefined) option.makeOptionMandatory();
  return [{ key, option }];
});

/** What commander parsed, by option attribute name. */
export type CreateOptions = Readonly<Record<string, CliInput | undefined>>;
