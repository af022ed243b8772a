import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openClientDb } from '../open.js';
import { openMigratedDb } from '../sqlite.js';
import { syncCoreMigration } from './001-sync-core.js';
import { CLIENT_MIGRATIONS, CLIENT_SCHEMA_VERSION, schemaVersionOf } from './index.js';

const dirs: string[] = [];
function tempFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'guichet-db-'));
  dirs.push(dir);
  return join(dir, 'guichet.sqlite');
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('client migrations: the shipped list', () => {
  it('brings a fresh db to the last version, electoral and acts tables included', () => {
    const db = openClientDb(tempFile());
    expect(schemaVersionOf(db)).toBe(CLIENT_SCHEMA_VERSION);
    expect(CLIENT_MIGRATIONS.map((m) => m.version)).toEqual([1, 2, 3, 4, 5]);
    const tables = db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table'")
      .all()
      .map((r) => (r as { name: string }).name);
    expect(tables).toEqual(
      expect.arrayContaining([
        'outbox',
        'sync_state',
        'electors',
        'electoral_demands',
        'electoral_imports',
        'acts',
        'acts_status',
        'acts_classification',
        'acts_files',
        'acts_certificate',
      ]),
    );
    db.close();
  });

  it('migrates a version-1 db holding queued changes to the current version without losing them', () => {
    const file = tempFile();
    const v1 = openMigratedDb(file, [syncCoreMigration]);
    v1.prepare(
      "INSERT INTO outbox (mutation_id, kind, collection, record_id, entry, summary, created_at) VALUES (1, 'upsert', 'electoral.demands', 'd1', '{}', 'Demande', '2026-01-01T00:00:00Z')",
    ).run();
    v1.prepare("INSERT INTO sync_state (key, value) VALUES ('last_mutation_id', '1')").run();
    v1.close();
    const db = openClientDb(file);
    expect(schemaVersionOf(db)).toBe(CLIENT_SCHEMA_VERSION);
    expect(db.prepare('SELECT mutation_id, record_id FROM outbox').all()).toEqual([{ mutation_id: 1, record_id: 'd1' }]);
    expect(db.prepare("SELECT value FROM sync_state WHERE key = 'last_mutation_id'").get()).toEqual({ value: '1' });
    db.close();
  });
});
