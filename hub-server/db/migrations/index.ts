import type { Migration, MigrationProvider } from 'kysely';
import * as m001 from './001-accounts.js';
import * as m002 from './002-sync.js';
import * as m003 from './003-acts.js';
import * as m004 from './004-acts-name.js';
import * as m005 from './005-collectivites.js';
import * as m006 from './006-passwords-devices.js';
import * as m007 from './007-trust-list.js';
import * as m008 from './008-cadastre.js';
import * as m009 from './009-owners.js';
import * as m012 from './012-console.js';
import * as m013 from './013-assistance.js';
import * as m014 from './014-files.js';
import * as m015 from './015-totp-sealed.js';
import * as m016 from './016-trust-crls.js';
import * as m017 from './017-sync-staging.js';

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
  '006-passwords-devices': m006,
  '007-trust-list': m007,
  '008-cadastre': m008,
  '009-owners': m009,
  '012-console': m012,
  '013-assistance': m013,
  '014-files': m014,
  '015-totp-sealed': m015,
  '016-trust-crls': m016,
  '017-sync-staging': m017,
};

export const hubMigrationProvider: MigrationProvider = {
  async getMigrations() {
    return HUB_MIGRATIONS;
  },
};
