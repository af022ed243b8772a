import type Database from 'better-sqlite3';
import type { ClientMigration } from '../../db/migrations/types.js';

/**
 * Electoral migration 3: the synced registers of issue 10 and the local card log.
 *
 * - `electoral_polls`, `electoral_procurations`, `electoral_communications`,
 *   `electoral_consultations`, `electoral_bureaux`: JSON records of the
 *   client-written collections (shared/electoral/registers.ts), `version` null
 *   until the hub acknowledged a local write; `key` is what screens filter on
 *   (the bureau of a procuration, the poll of a consultation, the date).
 * - `electoral_cards_printed`: which elector got a card, for which bureau and
 *   address (this PC's printer only, not synced): the « nouvelles » and
 *   « changements » paquets are read from it.
 */
export const registersMigration: ClientMigration = {
  version: 3,
  name: 'registers',
  up(db: Database.Database): void {
    for (const table of [
      'electoral_polls',
      'electoral_procurations',
      'electoral_communications',
      'electoral_consultations',
      'electoral_bureaux',
    ])
      db.exec(`
        CREATE TABLE ${table} (id TEXT PRIMARY KEY, version INTEGER, key TEXT NOT NULL, data TEXT NOT NULL);
        CREATE INDEX ${table}_by_key ON ${table} (key, id);
      `);
    db.exec(`
      CREATE TABLE electoral_cards_printed (
        elector_id TEXT PRIMARY KEY,
        bureau_code TEXT NOT NULL,
        address_key TEXT NOT NULL,
        printed_at TEXT NOT NULL
      );
    `);
  },
};
