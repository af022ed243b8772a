import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { runMigrations, schemaVersionsOf } from '../../db/migrations/runner.js';
import { ELECTORAL_MIGRATIONS } from './index.js';

describe('client migrations: electoral 3 (registers)', () => {
  it('adds the register tables and the card log next to the electors, keyed for their filters', () => {
    const db = new Database(':memory:');
    // Through the runner, as the PC does: version 2 may be absent on this branch, a gap the runner accepts.
    runMigrations(db, [{ domain: 'electoral', migrations: ELECTORAL_MIGRATIONS }]);
    expect(schemaVersionsOf(db).electoral).toBeGreaterThanOrEqual(3);
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all();
    expect(tables).toEqual(
      expect.arrayContaining([
        'electors',
        'electoral_polls',
        'electoral_procurations',
        'electoral_communications',
        'electoral_consultations',
        'electoral_bureaux',
        'electoral_cards_printed',
      ]),
    );
    db.prepare("INSERT INTO electoral_procurations (id, version, key, data) VALUES ('p1', NULL, '0001', '{}')").run();
    const plan = db.prepare("EXPLAIN QUERY PLAN SELECT data FROM electoral_procurations WHERE key = '0001' ORDER BY id").all();
    expect(JSON.stringify(plan)).toContain('electoral_procurations_by_key');
    expect(() => db.prepare("INSERT INTO electoral_cards_printed VALUES ('e1', '0001', 'a', '2026-12-06')").run()).not.toThrow();
    db.close();
  });
});
