import type Database from 'better-sqlite3';
import type { ClientMigration } from '../../db/migrations/types.js';

/**
 * Electoral migration 4: the justificatifs go to the hub (files module,
 * electron/files/). `electoral_justificatifs` takes the columns of a files
 * index (`path`, `state`: pending → done, or local/damaged), so it is also the
 * upload queue. Pieces indexed before are `pending`: this PC holds them and
 * sends them at its next sync, so the other PCs of the commune can open them.
 */
export const justificatifUploadsMigration: ClientMigration = {
  version: 4,
  name: 'justificatif-uploads',
  up(db: Database.Database): void {
    db.exec(`
      ALTER TABLE electoral_justificatifs ADD COLUMN path TEXT;
      ALTER TABLE electoral_justificatifs ADD COLUMN state TEXT NOT NULL DEFAULT 'pending';
      CREATE INDEX electoral_justificatifs_by_state ON electoral_justificatifs (state);
    `);
  },
};
