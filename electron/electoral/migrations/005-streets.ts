import type Database from 'better-sqlite3';
import type { ClientMigration } from '../../db/migrations/types.js';

/**
 * Electoral migration 5: the street table of the découpage (collection `electoral.streets`,
 * shared/electoral/streets.ts), one JSON record per line like the other registers; `key` is the
 * folded voie (streetKey), which the address → bureau lookup reads by.
 */
export const streetsMigration: ClientMigration = {
  version: 5,
  name: 'streets',
  up(db: Database.Database): void {
    db.exec(`
      CREATE TABLE electoral_streets (id TEXT PRIMARY KEY, version INTEGER, key TEXT NOT NULL, data TEXT NOT NULL);
      CREATE INDEX electoral_streets_by_key ON electoral_streets (key, id);
    `);
  },
};
