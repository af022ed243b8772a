import type Database from 'better-sqlite3';
import type { ClientMigration } from './types.js';

/**
 * `pull_staging` (migration 1) held pulled pages until they were applied. Pulls
 * are now staged in memory (electron/sync/staging.ts): a crash mid-pull only
 * means pulling again from the stored cursor, and writing every record to
 * SQLite first cost about a second for a 35 000-elector first sync. Nothing
 * reads the table any more; a leftover row could only be from a pull that was
 * never applied, which the next pull fetches again. (Global version 5 before
 * migrations were tracked per domain.)
 */
export const dropPullStagingMigration: ClientMigration = {
  version: 3,
  name: 'drop-pull-staging',
  legacyVersion: 5,
  up(db: Database.Database) {
    db.exec('DROP TABLE pull_staging');
  },
};
