import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { runMigrations, schemaVersionsOf } from '../../db/migrations/runner.js';
import { ELECTORAL_MIGRATIONS } from './index.js';

describe('client migrations: electoral 5 (streets)', () => {
  it('adds the street table of the découpage, read by folded voie', () => {
    const db = new Database(':memory:');
    runMigrations(db, [{ domain: 'electoral', migrations: ELECTORAL_MIGRATIONS }]);
    expect(schemaVersionsOf(db).electoral).toBe(5);
    db.prepare("INSERT INTO electoral_streets (id, version, key, data) VALUES ('s1', NULL, 'RUE DE LA PAIX', '{}')").run();
    const plan = db.prepare("EXPLAIN QUERY PLAN SELECT data FROM electoral_streets WHERE key = 'RUE DE LA PAIX' ORDER BY id").all();
    expect(JSON.stringify(plan)).toContain('electoral_streets_by_key');
    db.close();
  });
});
