import type Database from 'better-sqlite3';
import type { ClientMigration } from '../../db/migrations/types.js';

/**
 * Local tables of the legality-control service (acts migration 1; global version 3
 * before migrations were tracked per domain).
 *
 * - `acts`: the `actes.acts` records (written here, synced to the hub). `numero_interne`
 *   is UNIQUE so two drafts typed offline on this PC can never share a NumeroInterne
 *   (the hub checks again across PCs). It is nullable only so a record the hub accepted
 *   can take the number from a local draft that lost the race (see collections.ts).
 * - `acts_status`, `acts_classification`: records written by the hub only.
 * - `acts_files`: index of the content-addressed store in `<dataDir>/files/`: one row per
 *   SHA-256 held on this PC, with how far its upload to the hub went. `state`:
 *   `pending` (to upload), `done` (the hub holds it whole), `local` (kept on this PC
 *   only, e.g. the unsigned original replaced by the signed file), `damaged` (its bytes no
 *   longer match its SHA-256 on this disk: never sent).
 * - `acts_certificate`: the signing certificate installed on this PC (one row, `current`);
 *   the private key itself sits encrypted in `<dataDir>/signing-keys/` (SoftwareKeyStore).
 */
export const actsMigration: ClientMigration = {
  version: 1,
  name: 'acts',
  legacyVersion: 3,
  up(db: Database.Database): void {
    db.exec(`
      CREATE TABLE acts (
        id TEXT PRIMARY KEY,
        version INTEGER,
        numero_interne TEXT UNIQUE,
        created_at_local TEXT NOT NULL,
        data TEXT NOT NULL
      );
      CREATE TABLE acts_status (
        act_id TEXT PRIMARY KEY,
        version INTEGER,
        state TEXT NOT NULL,
        data TEXT NOT NULL
      );
      CREATE TABLE acts_classification (
        id TEXT PRIMARY KEY,
        version INTEGER,
        data TEXT NOT NULL
      );
      CREATE TABLE acts_files (
        sha256 TEXT PRIMARY KEY,
        size INTEGER NOT NULL,
        path TEXT NOT NULL,
        file_name TEXT NOT NULL,
        mime TEXT NOT NULL,
        uploaded INTEGER NOT NULL DEFAULT 0,
        state TEXT NOT NULL,
        created_at_local TEXT NOT NULL
      );
      CREATE INDEX acts_files_by_state ON acts_files (state);
      CREATE TABLE acts_certificate (
        id TEXT PRIMARY KEY,
        key_id TEXT NOT NULL,
        info TEXT NOT NULL,
        imported_at TEXT NOT NULL
      );
    `);
  },
};
