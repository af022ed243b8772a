import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { electoralMigration } from './001-electoral.js';
import { justificatifsMigration } from './002-justificatifs.js';

describe('client migrations: electoral 2', () => {
  it('adds the justificatifs index over a version-1 database, keeping its demands', () => {
    const db = new Database(':memory:');
    electoralMigration.up(db);
    db.prepare(
      "INSERT INTO electoral_demands (id, version, status, elector_id, created_at_local, data) VALUES ('d1', 3, 'deposee', NULL, '2026-11-01', '{}')",
    ).run();
    justificatifsMigration.up(db);
    expect(justificatifsMigration.version).toBe(2);
    db.prepare(
      "INSERT INTO electoral_justificatifs (sha256, file_name, mime, size, created_at_local) VALUES ('ab', 'cni.pdf', 'application/pdf', 10, '2026-11-01')",
    ).run();
    expect(db.prepare('SELECT uploaded FROM electoral_justificatifs').pluck().get()).toBe(0);
    expect(() =>
      db
        .prepare(
          "INSERT INTO electoral_justificatifs (sha256, file_name, mime, size, created_at_local) VALUES ('ab', 'x.pdf', 'application/pdf', 1, 'x')",
        )
        .run(),
    ).toThrow(/UNIQUE/);
    expect(db.prepare('SELECT count(*) FROM electoral_demands').pluck().get()).toBe(1);
    db.close();
  });
});
