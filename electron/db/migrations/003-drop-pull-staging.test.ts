import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openMigratedDb } from '../sqlite.js';
import { CLIENT_MIGRATIONS } from '../../domains.js';
import { dropPullStagingMigration } from './003-drop-pull-staging.js';
import { schemaVersionsOf } from './runner.js';

const dirs: string[] = [];
function tempFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'guichet-db-'));
  dirs.push(dir);
  return join(dir, 'guichet.sqlite');
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

// Every domain's tables, the core's up to the step before this one.
const before = CLIENT_MIGRATIONS.map((s) =>
  s.domain === 'core' ? { ...s, migrations: s.migrations.slice(0, dropPullStagingMigration.version - 1) } : s,
);
const tables = (db: ReturnType<typeof openMigratedDb>) =>
  db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all() as string[];

describe('client migrations: core 3 drop-pull-staging', () => {
  it('drops the unused pull_staging table, leftover rows included, and keeps queued changes and the cursor', () => {
    const file = tempFile();
    const old = openMigratedDb(file, before);
    expect(tables(old)).toContain('pull_staging');
    old.prepare("INSERT INTO pull_staging (collection, record_id, version, deleted, data) VALUES ('x', 'r1', 3, 0, '{}')").run();
    old
      .prepare(
        "INSERT INTO outbox (mutation_id, kind, collection, record_id, entry, summary, created_at) VALUES (1, 'upsert', 'x', 'r1', '{}', 'Élément', '2026-01-01T00:00:00Z')",
      )
      .run();
    old.prepare("INSERT INTO sync_state (key, value) VALUES ('cursor', '42')").run();
    old.close();

    const db = openMigratedDb(file, CLIENT_MIGRATIONS);
    expect(schemaVersionsOf(db).core).toBeGreaterThanOrEqual(dropPullStagingMigration.version);
    expect(tables(db)).not.toContain('pull_staging');
    expect(tables(db)).toEqual(expect.arrayContaining(['outbox', 'sync_state', 'rejected_changes']));
    expect(db.prepare('SELECT mutation_id, record_id FROM outbox').all()).toEqual([{ mutation_id: 1, record_id: 'r1' }]);
    expect(db.prepare("SELECT value FROM sync_state WHERE key = 'cursor'").pluck().get()).toBe('42');
    db.close();
  });
});
