import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { GuichetError } from '../../../shared/errors.js';
import { openMigratedDb } from '../sqlite.js';
import { syncCoreMigration } from './001-sync-core.js';
import { runMigrations, schemaVersionOf } from './runner.js';
import type { ClientMigration } from './types.js';

const dirs: string[] = [];
function tempFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'guichet-db-'));
  dirs.push(dir);
  return join(dir, 'guichet.sqlite');
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('client migrations: 001 sync-core', () => {
  it('brings a fresh db to version 1 with WAL and foreign keys on', () => {
    const db = openMigratedDb(tempFile(), [syncCoreMigration]);
    expect(schemaVersionOf(db)).toBe(1);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    const tables = db
      .prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'table'")
      .all()
      .map((r) => r.name);
    expect(tables).toEqual(expect.arrayContaining(['outbox', 'sync_state', 'rejected_changes', 'pull_staging']));
    db.close();
  });

  it('keeps data written at version 1 when a later migration runs', () => {
    const file = tempFile();
    const db1 = openMigratedDb(file, [syncCoreMigration]);
    db1.prepare("INSERT INTO sync_state (key, value) VALUES ('cursor', '42')").run();
    db1.close();
    const next: ClientMigration = { version: 2, name: 'next', up: (db) => db.exec('CREATE TABLE extra (id TEXT)') };
    const db2 = openMigratedDb(file, [syncCoreMigration, next]);
    expect(schemaVersionOf(db2)).toBe(2);
    expect(db2.prepare("SELECT value FROM sync_state WHERE key = 'cursor'").get()).toEqual({ value: '42' });
    db2.close();
  });

  it('leaves the db at the previous version when a migration fails', () => {
    const file = tempFile();
    const broken: ClientMigration = {
      version: 2,
      name: 'broken',
      up: (db) => {
        db.exec('CREATE TABLE half (id TEXT)');
        throw new Error('boom');
      },
    };
    expect(() => openMigratedDb(file, [syncCoreMigration, broken])).toThrow('boom');
    const db = new Database(file);
    expect(schemaVersionOf(db)).toBe(1);
    expect(db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 'half'").get()).toEqual({ n: 0 });
    db.close();
  });

  it('refuses a db written by a newer Guichet, in French', () => {
    const file = tempFile();
    const db = new Database(file);
    db.pragma('user_version = 99');
    db.close();
    let error: unknown;
    try {
      openMigratedDb(file, [syncCoreMigration]);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(GuichetError);
    expect((error as GuichetError).code).toBe('upgrade_required');
    expect((error as GuichetError).message).toMatch(/mettez Guichet à jour/);
  });

  it('rejects a migration list with a gap (a renumbered migration would skip steps)', () => {
    const db = new Database(':memory:');
    expect(() => runMigrations(db, [{ ...syncCoreMigration, version: 2 }])).toThrow(/expected 1/);
    db.close();
  });
});
