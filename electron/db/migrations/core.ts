import { syncCoreMigration } from './001-sync-core.js';
import { actsNameMigration } from './002-acts-name.js';
import { dropPullStagingMigration } from './003-drop-pull-staging.js';
import { replicaScopeActsMigration } from './004-replica-scope-acts.js';
import type { DomainMigrations } from './types.js';

/**
 * The core's own migrations (the sync tables, whatever the domains). Each
 * domain keeps its list in `electron/<domain>/migrations/`; the composition
 * root (electron/domains.ts) hands them all to the runner. Append only: never
 * renumber or edit a shipped one.
 */
export const CORE_MIGRATIONS: DomainMigrations = {
  domain: 'core',
  migrations: [syncCoreMigration, actsNameMigration, dropPullStagingMigration, replicaScopeActsMigration],
};
