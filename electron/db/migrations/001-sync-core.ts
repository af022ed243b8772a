import type Database from 'better-sqlite3';
import type { ClientMigration } from './types.js';

/**
 * The tables the sync machinery needs, whatever the domains:
 * - `outbox`: changes made on this PC, not yet acknowledged by the hub. A row is
 *   written in the same transaction as the domain row it describes and deleted
 *   only in the transaction that records the hub's answer.
 * - `sync_state`: small key/value facts (epoch, cursor, session, mutation counter),
 *   values JSON-encoded.
 * - `rejected_changes`: what the hub refused, kept until the user dismisses it.
 * - `pull_staging`: pulled pages waiting to be applied in one transaction with the
 *   new cursor (so a crash mid-pull never leaves half a page applied). Unused since
 *   pulls are staged in memory; migration 5 drops it.
 */
export const syncCoreMigration: ClientMigration = {
  version: 1,
  name: 'sync-core',
  legacyVersion: 1,
  up(db: Database.Database) {
    db.exec(`
      CREATE TABLE outbox (
        mutation_id INTEGER PRIMARY KEY,
        kind TEXT NOT NULL CHECK (kind IN ('upsert', 'delete', 'command')),
        collection TEXT,
        record_id TEXT,
        entry TEXT NOT NULL,
        summary TEXT NOT NULL,
        created_at TEXT NOT NULL,
        -- 'pending' until first sent, then 'sent' (answer not yet recorded): informational,
        -- both are re-sent until the hub's answer is stored.
        state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sent'))
      );
      CREATE INDEX outbox_record ON outbox (collection, record_id);

      CREATE TABLE sync_state (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
      );

      CREATE TABLE rejected_changes (
        mutation_id INTEGER PRIMARY KEY,
        collection TEXT,
        record_id TEXT,
        summary TEXT NOT NULL,
        reason TEXT NOT NULL,
        rejected_at TEXT NOT NULL
      );

      CREATE TABLE pull_staging (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        collection TEXT NOT NULL,
        record_id TEXT NOT NULL,
        version INTEGER NOT NULL,
        deleted INTEGER NOT NULL,
        data TEXT
      );
    `);
  },
};
