import type Database from 'better-sqlite3';
import type { ClientMigration } from './types.js';

/**
 * One name per concept (hub migration 004-acts-name does the same on the hub):
 * the legality-control service, its collections, permissions and commands are
 * `acts…`, no longer `actes…`. Changes still queued on this PC and refusals kept
 * for the user are renamed so they reach the new hub; the stored session's
 * service list follows, so the menus stay open until the next login refreshes it.
 * A core migration: it only rewrites rows of the sync tables (global version 4 before
 * migrations were tracked per domain).
 */
export const actsNameMigration: ClientMigration = {
  version: 2,
  name: 'acts-name',
  legacyVersion: 4,
  up(db: Database.Database) {
    db.exec(`
      UPDATE outbox SET collection = 'acts.' || substr(collection, 7) WHERE collection LIKE 'actes.%';
      UPDATE outbox SET entry = replace(replace(entry, '"collection":"actes.', '"collection":"acts.'), '"name":"actes.', '"name":"acts.')
        WHERE typeof(entry) = 'text' AND entry LIKE '%"actes.%';
      UPDATE rejected_changes SET collection = 'acts.' || substr(collection, 7) WHERE collection LIKE 'actes.%';
      UPDATE sync_state SET value = replace(value, '"actes"', '"acts"') WHERE key = 'session';
    `);
  },
};
