import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { actsMigration } from './001-acts.js';

describe('client migrations: acts 1', () => {
  it('creates the acts tables; two acts of this PC never share a NumeroInterne', () => {
    const db = new Database(':memory:');
    actsMigration.up(db);
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all();
    expect(tables).toEqual(expect.arrayContaining(['acts', 'acts_status', 'acts_classification', 'acts_files', 'acts_certificate']));
    const insert = db.prepare("INSERT INTO acts (id, version, numero_interne, created_at_local, data) VALUES (?, NULL, ?, 'x', '{}')");
    insert.run('a1', 'DEL_1');
    expect(() => insert.run('a2', 'DEL_1')).toThrow(/UNIQUE/);
    db.close();
  });
});
