import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { GuichetError } from '../../../shared/errors.js';
import { openMigratedDb } from '../sqlite.js';
import { runMigrations, schemaVersionsOf, TRACKED_PER_DOMAIN } from './runner.js';
import type { ClientMigration, DomainMigrations } from './types.js';

const dirs: string[] = [];
function tempFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'guichet-db-'));
  dirs.push(dir);
  return join(dir, 'guichet.sqlite');
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A migration creating table `name`, counting its runs in `runs`. */
function creates(version: number, name: string, runs: string[], legacyVersion?: number): ClientMigration {
  return {
    version,
    name,
    legacyVersion,
    up: (db) => {
      runs.push(name);
      db.exec(`CREATE TABLE ${name} (id TEXT PRIMARY KEY)`);
    },
  };
}
const tables = (db: Database.Database) =>
  db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all() as string[];

function refusal(fn: () => unknown): GuichetError {
  try {
    fn();
  } catch (err) {
    if (err instanceof GuichetError) return err;
    throw err;
  }
  throw new Error('not refused');
}

describe('client migrations runner: one scheme for every domain', () => {
  it('runs the core first, then each domain, and records every step per domain', () => {
    const runs: string[] = [];
    const sets: DomainMigrations[] = [
      { domain: 'core', migrations: [creates(1, 'core_a', runs), creates(2, 'core_b', runs)] },
      { domain: 'toy', migrations: [creates(1, 'toy_a', runs)] },
    ];
    const db = openMigratedDb(tempFile(), sets);
    expect(runs).toEqual(['core_a', 'core_b', 'toy_a']);
    expect(schemaVersionsOf(db)).toEqual({ core: 2, toy: 1 });
    expect(db.pragma('user_version', { simple: true })).toBe(TRACKED_PER_DOMAIN);
    expect(db.prepare('SELECT domain, version, name FROM schema_migrations ORDER BY domain, version').all()).toEqual([
      { domain: 'core', version: 1, name: 'core_a' },
      { domain: 'core', version: 2, name: 'core_b' },
      { domain: 'toy', version: 1, name: 'toy_a' },
    ]);
    db.close();
  });

  it('adds a new domain, or a new step of one, to an existing db without touching the rest', () => {
    const file = tempFile();
    const runs: string[] = [];
    const core = { domain: 'core', migrations: [creates(1, 'core_a', runs)] };
    const db1 = openMigratedDb(file, [core]);
    db1.prepare("INSERT INTO core_a (id) VALUES ('kept')").run();
    db1.close();
    const db2 = openMigratedDb(file, [
      { domain: 'core', migrations: [...core.migrations, creates(2, 'core_b', runs)] },
      { domain: 'toy', migrations: [creates(1, 'toy_a', runs)] },
    ]);
    expect(runs).toEqual(['core_a', 'core_b', 'toy_a']);
    expect(db2.prepare('SELECT id FROM core_a').pluck().all()).toEqual(['kept']);
    expect(schemaVersionsOf(db2)).toEqual({ core: 2, toy: 1 });
    db2.close();
  });

  it('leaves the db at the previous step when a migration fails, and resumes there', () => {
    const file = tempFile();
    const runs: string[] = [];
    const broken: ClientMigration = {
      version: 1,
      name: 'broken',
      up: (db) => {
        db.exec('CREATE TABLE half (id TEXT)');
        throw new Error('boom');
      },
    };
    expect(() =>
      openMigratedDb(file, [
        { domain: 'core', migrations: [creates(1, 'core_a', runs)] },
        { domain: 'toy', migrations: [broken] },
      ]),
    ).toThrow('boom');
    const db = new Database(file);
    expect(schemaVersionsOf(db)).toEqual({ core: 1 });
    expect(tables(db)).not.toContain('half');
    db.close();
    const fixed = openMigratedDb(file, [
      { domain: 'core', migrations: [creates(1, 'core_a', runs)] },
      { domain: 'toy', migrations: [creates(1, 'toy_a', runs)] },
    ]);
    expect(runs).toEqual(['core_a', 'toy_a']);
    fixed.close();
  });

  it('maps a db of the global user_version scheme onto the domains without running anything again', () => {
    const file = tempFile();
    const runs: string[] = [];
    // What the old builds did: one list, user_version = the last step run.
    const old = new Database(file);
    old.exec('CREATE TABLE core_a (id TEXT); CREATE TABLE toy_a (id TEXT); CREATE TABLE other_a (id TEXT)');
    old.prepare('INSERT INTO toy_a (id) VALUES (?)').run('kept');
    old.pragma('user_version = 3');
    old.close();
    const db = openMigratedDb(file, [
      { domain: 'core', migrations: [creates(1, 'core_a', runs, 1), creates(2, 'core_b', runs, 4), creates(3, 'core_c', runs)] },
      { domain: 'toy', migrations: [creates(1, 'toy_a', runs, 2)] },
      { domain: 'other', migrations: [creates(1, 'other_a', runs, 3), creates(2, 'other_b', runs)] },
    ]);
    // Steps 1..3 of the old list were there: only what came after them runs.
    expect(runs).toEqual(['core_b', 'core_c', 'other_b']);
    expect(schemaVersionsOf(db)).toEqual({ core: 3, toy: 1, other: 2 });
    expect(db.prepare('SELECT id FROM toy_a').pluck().all()).toEqual(['kept']);
    expect(db.pragma('user_version', { simple: true })).toBe(TRACKED_PER_DOMAIN);
    db.close();
  });

  it('refuses, in French, a db written by a newer Guichet: a later step, an unknown domain, a later global version', () => {
    const file = tempFile();
    const runs: string[] = [];
    const two = { domain: 'core', migrations: [creates(1, 'core_a', runs), creates(2, 'core_b', runs)] };
    openMigratedDb(file, [two, { domain: 'cadastre', migrations: [creates(1, 'parcels', runs)] }]).close();
    for (const sets of [[{ domain: 'core', migrations: two.migrations.slice(0, 1) }], [two]]) {
      const err = refusal(() => openMigratedDb(file, sets));
      expect(err.code).toBe('upgrade_required');
      expect(err.message).toMatch(/version plus récente de Guichet : mettez Guichet à jour/);
    }
    const legacy = tempFile();
    const db = new Database(legacy);
    db.pragma('user_version = 7');
    db.close();
    expect(refusal(() => openMigratedDb(legacy, [{ domain: 'core', migrations: [creates(1, 'core_a', runs, 1)] }])).code).toBe(
      'upgrade_required',
    );
  });

  it('makes builds of the global scheme refuse a tracked db (user_version above any of their steps)', () => {
    const db = openMigratedDb(tempFile(), [{ domain: 'core', migrations: [creates(1, 'core_a', [], 1)] }]);
    // An old build compared user_version with its last step (at most a handful) and refused anything above.
    expect(db.pragma('user_version', { simple: true })).toBeGreaterThan(100);
    db.close();
  });

  it('rejects a list with a gap or a domain given twice (a renumbered migration would skip steps)', () => {
    const db = new Database(':memory:');
    expect(() => runMigrations(db, [{ domain: 'core', migrations: [creates(2, 'core_b', [])] }])).toThrow(/expected 1/);
    expect(() =>
      runMigrations(db, [
        { domain: 'toy', migrations: [] },
        { domain: 'toy', migrations: [] },
      ]),
    ).toThrow(/twice/);
    db.close();
  });
});
