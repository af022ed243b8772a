import type Database from 'better-sqlite3';
import type { ClientMigration } from '../../db/migrations/types.js';

/**
 * Local replica of the electoral collections (electoral migration 1; global
 * version 2 before migrations were tracked per domain).
 *
 * - `electors`: one row per elector of the REU extract. `id` is the synced
 *   record id; `rid`, the integer key the FTS index points at, follows the
 *   display order (birth name, first names), so a search page is the first
 *   matches in rowid order and never needs a sort (see elector-store.ts).
 *   Every field of `Elector` is a column rather than one JSON text: an
 *   import writes half the bytes, and a search page reads no JSON.
 * - `electors_fts`: contentless FTS5 index (contentless_delete, SQLite ≥ 3.43)
 *   over the folded names (shared/electoral/normalize.ts) and the list type
 *   (so a list-filtered search and its count stay inside the index). Contentless keeps
 *   the file small (the names are already in `electors`); `electoral/elector-store.ts`
 *   is the only writer of both tables and keeps them consistent.
 * - `electoral_demands`, `electoral_imports`: synced records, `version` null
 *   until the hub has acknowledged a local creation.
 */
export const electoralMigration: ClientMigration = {
  version: 1,
  name: 'electoral',
  legacyVersion: 2,
  up(db: Database.Database): void {
    db.exec(`
      CREATE TABLE electors (
        rid INTEGER PRIMARY KEY,
        id TEXT NOT NULL,
        version INTEGER,
        list_type TEXT NOT NULL,
        sort_name TEXT NOT NULL,
        sort_first TEXT NOT NULL,
        ine TEXT,
        birth_name TEXT NOT NULL,
        usage_name TEXT,
        first_names TEXT NOT NULL,
        sex TEXT,
        birth_date TEXT NOT NULL,
        birth_commune_code TEXT,
        birth_commune_label TEXT,
        birth_departement_code TEXT,
        birth_country TEXT,
        nationality TEXT,
        address_number TEXT,
        address_street TEXT,
        address_complement1 TEXT,
        address_complement2 TEXT,
        address_lieu_dit TEXT,
        address_postal_code TEXT,
        address_city TEXT,
        address_country TEXT,
        bureau_code TEXT NOT NULL,
        bureau_label TEXT,
        numero_ordre INTEGER
      );
      CREATE UNIQUE INDEX electors_by_id ON electors (id);
      CREATE INDEX electors_by_name ON electors (sort_name, sort_first, id);
      CREATE VIRTUAL TABLE electors_fts USING fts5(
        names,
        list,
        content = '',
        contentless_delete = 1,
        tokenize = 'unicode61 remove_diacritics 2',
        prefix = '1 2 3'
      );
      CREATE TABLE electoral_demands (
        id TEXT PRIMARY KEY,
        version INTEGER,
        status TEXT NOT NULL,
        elector_id TEXT,
        created_at_local TEXT NOT NULL,
        data TEXT NOT NULL
      );
      CREATE INDEX electoral_demands_by_elector ON electoral_demands (elector_id);
      CREATE INDEX electoral_demands_by_status ON electoral_demands (status, created_at_local);
      CREATE TABLE electoral_imports (
        id TEXT PRIMARY KEY,
        version INTEGER,
        file_sha256 TEXT NOT NULL,
        imported_at_local TEXT NOT NULL,
        data TEXT NOT NULL
      );
      CREATE INDEX electoral_imports_by_hash ON electoral_imports (file_sha256);
    `);
  },
};
