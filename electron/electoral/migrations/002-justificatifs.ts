import type Database from 'better-sqlite3';
import type { ClientMigration } from '../../db/migrations/types.js';

/**
 * Electoral migration 2: the index of the demands' justificatifs on this PC.
 * The bytes live content-addressed under `<dataDir>/electoral-justificatifs/`
 * (0700/0600); a row is written in the same transaction as the demand that
 * names the file (written to disk before), and never deleted: the pieces are
 * kept with the dossier (see docs/listes-electorales.md, « Conservation »).
 * `uploaded` is how many bytes the hub holds (resumable upload).
 */
export const justificatifsMigration: ClientMigration = {
  version: 2,
  name: 'justificatifs',
  up(db: Database.Database): void {
    db.exec(`
      CREATE TABLE electoral_justificatifs (
        sha256 TEXT PRIMARY KEY,
        file_name TEXT NOT NULL,
        mime TEXT NOT NULL,
        size INTEGER NOT NULL,
        uploaded INTEGER NOT NULL DEFAULT 0,
        created_at_local TEXT NOT NULL
      );
    `);
  },
};
