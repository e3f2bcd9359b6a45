/**
 * @module
 * The migrations, in order. Append only: a shipped migration never changes.
 */
import type { Migration, MigrationProvider } from 'kysely';
import * as m001 from './001-initial.ts';
import * as m002 from './002-content.ts';
import * as m003 from './003-audit-log.ts';
import * as m004 from './004-content-indexes.ts';
import * as m005 from './005-item-counts.ts';
import * as m006 from './006-item-subtree-counts.ts';
import * as m007 from './007-datocms-field-types.ts';
import * as m008 from './008-item-versions.ts';
import * as m009 from './009-fields.ts';
import * as m010 from './010-job-results.ts';
import * as m011 from './011-token-allowed-origins.ts';
import * as m012 from './012-items-updated-at.ts';

const MIGRATIONS: Record<string, Migration> = {
  '001-initial': m001,
  '002-content': m002,
  '003-audit-log': m003,
  '004-content-indexes': m004,
  '005-item-counts': m005,
  '006-item-subtree-counts': m006,
  '007-datocms-field-types': m007,
  '008-item-versions': m008,
  '009-fields': m009,
  '010-job-results': m010,
  '011-token-allowed-origins': m011,
  '012-items-updated-at': m012,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => MIGRATIONS,
};
