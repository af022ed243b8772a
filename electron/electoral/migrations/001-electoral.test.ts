import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { electoralMigration } from './001-electoral.js';

describe('client migrations: electoral 1', () => {
  it('creates the electors with their contentless FTS index, the demands and the imports', () => {
    const db = new Database(':memory:');
    electoralMigration.up(db);
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all();
    expect(tables).toEqual(expect.arrayContaining(['electors', 'electors_fts', 'electoral_demands', 'electoral_imports']));
    // contentless_delete: a removed elector leaves the index too (SQLite ≥ 3.43).
    db.prepare("INSERT INTO electors_fts (rowid, names, list) VALUES (1, 'martin lea', 'LP')").run();
    db.prepare('DELETE FROM electors_fts WHERE rowid = 1').run();
    expect(db.prepare("SELECT count(*) FROM electors_fts WHERE electors_fts MATCH 'martin'").pluck().get()).toBe(0);
    db.close();
  });
});
