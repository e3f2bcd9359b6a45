/**
 * @module
 * The migrations, in order. Append only: a shipped migration never changes.
 */
import type { Migration, MigrationProvider } from 'kysely';
import * as m001 from './001-initial.ts';
import * as m002 from './002-content.ts';

const MIGRATIONS: Record<string, Migration> = {
  '001-initial': m001,
  '002-content': m002,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => MIGRATIONS,
};
