import { actsMigration } from '../../acts/migration.js';
import { electoralMigration } from '../../electoral/migration.js';
import { syncCoreMigration } from './001-sync-core.js';
import { actsNameMigration } from './004-acts-name.js';
import { dropPullStagingMigration } from './005-drop-pull-staging.js';
import type { ClientMigration } from './types.js';

export type { ClientMigration } from './types.js';

/** Every client migration, in order. Append only: never renumber or edit a shipped one. */
export const CLIENT_MIGRATIONS: readonly ClientMigration[] = [
  syncCoreMigration,
  electoralMigration,
  actsMigration,
  actsNameMigration,
  dropPullStagingMigration,
];

/** Schema version this build writes; sent to the hub as `x-guichet-client-schema`. */
export const CLIENT_SCHEMA_VERSION = CLIENT_MIGRATIONS[CLIENT_MIGRATIONS.length - 1].version;

export { runMigrations, schemaVersionOf } from './runner.js';
