import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { registry } from '../shared/domains.js';
import { clientSchemaHeader } from './core/client-domain.js';
import { syncCoreMigration } from './db/migrations/001-sync-core.js';
import { knownVersions, schemaVersionsOf } from './db/migrations/runner.js';
import { openClientDb } from './db/open.js';
import { CLIENT_DOMAINS, CLIENT_MIGRATIONS } from './domains.js';

const dirs: string[] = [];
function tempFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'guichet-db-'));
  dirs.push(dir);
  return join(dir, 'guichet.sqlite');
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('the client composition root', () => {
  it('carries every domain the platform declares, each with its shared declaration', () => {
    expect(CLIENT_DOMAINS.map((d) => d.spec.id)).toEqual(registry.domains.map((d) => d.id));
    expect(CLIENT_DOMAINS.map((d) => d.spec)).toEqual(registry.domains);
  });

  it('brings a fresh db to the last version of every domain, electoral and acts tables included', () => {
    const db = openClientDb(tempFile(), CLIENT_MIGRATIONS);
    expect(schemaVersionsOf(db)).toEqual(knownVersions(CLIENT_MIGRATIONS));
    expect(Object.keys(knownVersions(CLIENT_MIGRATIONS))).toEqual(['core', 'electoral', 'acts', 'cadastre', 'owners']);
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all();
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
        'cadastre_parcels',
        'cadastre_features',
        'cadastre_vintages',
        'owners_comptes',
        'owners_journal',
      ]),
    );
    db.close();
  });

  it('maps every step of the old global list once (user_version 1..N, no gap)', () => {
    const legacy = CLIENT_MIGRATIONS.flatMap((s) => s.migrations.map((m) => m.legacyVersion)).filter((v) => v !== undefined);
    expect(legacy.sort((a, b) => a - b)).toEqual(legacy.map((_, i) => i + 1));
    expect(legacy.length).toBeGreaterThanOrEqual(4);
  });

  it('sends the schema of each domain to the hub', () => {
    expect(clientSchemaHeader(knownVersions(CLIENT_MIGRATIONS))).toMatch(/^core=\d+, electoral=\d+, acts=\d+, cadastre=\d+, owners=\d+$/);
  });

  it('migrates a db of the old global version 1 holding queued changes without losing them', () => {
    const file = tempFile();
    const v1 = new Database(file);
    syncCoreMigration.up(v1);
    v1.pragma('user_version = 1');
    v1.prepare(
      "INSERT INTO outbox (mutation_id, kind, collection, record_id, entry, summary, created_at) VALUES (1, 'upsert', 'electoral.demands', 'd1', '{}', 'Demande', '2026-01-01T00:00:00Z')",
    ).run();
    v1.prepare("INSERT INTO sync_state (key, value) VALUES ('last_mutation_id', '1')").run();
    v1.close();
    const db = openClientDb(file, CLIENT_MIGRATIONS);
    expect(schemaVersionsOf(db)).toEqual(knownVersions(CLIENT_MIGRATIONS));
    expect(db.prepare('SELECT mutation_id, record_id FROM outbox').all()).toEqual([{ mutation_id: 1, record_id: 'd1' }]);
    expect(db.prepare("SELECT value FROM sync_state WHERE key = 'last_mutation_id'").get()).toEqual({ value: '1' });
    db.close();
  });
});
