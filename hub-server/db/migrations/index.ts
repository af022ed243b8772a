import type { Migration, MigrationProvider } from 'kysely';
import * as m001 from './001-accounts.js';
import * as m002 from './002-sync.js';
import * as m003 from './003-acts.js';
import * as m004 from './004-acts-name.js';
import * as m005 from './005-collectivites.js';
import * as m009 from './009-owners.js';

/**
 * Every hub migration, in order. Names are recorded in the database; never
 * rename or reorder one that has shipped, only append.
 */
export const HUB_MIGRATIONS: Record<string, Migration> = {
  '001-accounts': m001,
  '002-sync': m002,
  '003-acts': m003,
  '004-acts-name': m004,
  '005-collectivites': m005,
  '009-owners': m009,
};

export const hubMigrationProvider: MigrationProvider = {
  async getMigrations() {
    return HUB_MIGRATIONS;
  },
};
