/**
 * @module
 * The migrations, in order. Append only: a shipped migration never changes.
 */
import type { Migration, MigrationProvider } from 'kysely';
import * as m001 from './001-initial.ts';

const MIGRATIONS: Record<string, Migration> = {
  '001-initial': m001,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => MIGRATIONS,
};
