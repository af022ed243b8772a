import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openMigratedDb } from '../sqlite.js';
import { syncCoreMigration } from './001-sync-core.js';
import { schemaVersionsOf } from './runner.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('client migrations: core 1 sync-core', () => {
  it('creates the sync tables, with WAL and foreign keys on', () => {
    const dir = mkdtempSync(join(tmpdir(), 'guichet-db-'));
    dirs.push(dir);
    const db = openMigratedDb(join(dir, 'guichet.sqlite'), [{ domain: 'core', migrations: [syncCoreMigration] }]);
    expect(schemaVersionsOf(db)).toEqual({ core: 1 });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all();
    expect(tables).toEqual(expect.arrayContaining(['outbox', 'sync_state', 'rejected_changes', 'pull_staging']));
    db.close();
  });
});
