import type Database from 'better-sqlite3';
import type { ClientMigration } from '../../db/migrations/types.js';

/**
 * Local replica of the owners (MAJIC), encrypted at rest (owners migration 1).
 *
 * One table per synced collection: the record id in clear (a compte number
 * `100341000012`, a UUID; no personal data, and tombstones, the mass-deletion
 * fail-safe and the sync's pending-id checks work on it without the key), the
 * hub version, and `blob` = IV (12) ‖ GCM tag (16) ‖ AES-256-GCM ciphertext of
 * the record's JSON (electron/owners/vault.ts). No other column: no name, no
 * date, not even a folded search key, is written in clear; the search index
 * is built in memory.
 *
 * `owners_meta`: `resync` = the local copy misses records the hub has (never
 * filled, wiped on logout, or its key was lost): the next unlock asks the sync
 * for a snapshot. Set here so a PC that ran a build skipping owner records
 * fetches them once the store exists.
 */
export const ownersMigration: ClientMigration = {
  version: 1,
  name: 'owners-encrypted',
  up(db: Database.Database): void {
    db.exec(`
      CREATE TABLE owners_comptes (id TEXT PRIMARY KEY, version INTEGER NOT NULL, blob BLOB NOT NULL) WITHOUT ROWID;
      CREATE TABLE owners_communications (id TEXT PRIMARY KEY, version INTEGER NOT NULL, blob BLOB NOT NULL) WITHOUT ROWID;
      CREATE TABLE owners_journal (id TEXT PRIMARY KEY, version INTEGER NOT NULL, blob BLOB NOT NULL) WITHOUT ROWID;
      CREATE TABLE owners_imports (id TEXT PRIMARY KEY, version INTEGER NOT NULL, blob BLOB NOT NULL) WITHOUT ROWID;
      CREATE TABLE owners_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
      INSERT INTO owners_meta (key, value) VALUES ('resync', '1');
    `);
  },
};
