import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { electoralMigration } from './001-electoral.js';
import { justificatifsMigration } from './002-justificatifs.js';
import { registersMigration } from './003-registers.js';
import { justificatifUploadsMigration } from './004-justificatif-uploads.js';

describe('client migrations: electoral 4', () => {
  it('turns the justificatifs index into an upload queue: pieces indexed before are pending', () => {
    const db = new Database(':memory:');
    for (const m of [electoralMigration, justificatifsMigration, registersMigration]) m.up(db);
    db.prepare(
      "INSERT INTO electoral_justificatifs (sha256, file_name, mime, size, created_at_local) VALUES ('ab', 'cni.pdf', 'application/pdf', 10, '2026-11-01')",
    ).run();
    justificatifUploadsMigration.up(db);
    expect(justificatifUploadsMigration.version).toBe(4);
    expect(db.prepare('SELECT sha256, file_name, size, uploaded, state, path FROM electoral_justificatifs').get()).toEqual({
      sha256: 'ab',
      file_name: 'cni.pdf',
      size: 10,
      uploaded: 0,
      state: 'pending',
      path: null,
    });
    db.close();
  });
});
