import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { ownersMigration } from './001-owners.js';

describe('client migrations: owners 1', () => {
  it('creates the encrypted tables (id, version, blob: no other column) and asks for a resync once the store exists', () => {
    const db = new Database(':memory:');
    ownersMigration.up(db);
    for (const t of ['owners_comptes', 'owners_communications', 'owners_journal', 'owners_imports'])
      expect(db.prepare(`SELECT name FROM pragma_table_info('${t}')`).pluck().all()).toEqual(['id', 'version', 'blob']);
    // A PC that ran a build skipping owner records fetches them at its first unlock.
    expect(db.prepare("SELECT value FROM owners_meta WHERE key = 'resync'").pluck().get()).toBe('1');
    db.close();
  });
});
