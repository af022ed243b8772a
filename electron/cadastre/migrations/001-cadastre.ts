import type Database from 'better-sqlite3';
import type { ClientMigration } from '../../db/migrations/types.js';

/**
 * Local replica of the cadastre plan (cadastre migration 1): the territory's
 * parcels, other objects and vintages, usable offline.
 *
 * - `cadastre_parcels`: one row per parcel, the searched columns beside the
 *   record's JSON (`data`, read for the fiche and the map). `rid` is the
 *   integer key the R*Tree and the full-text index point at.
 * - `cadastre_parcels_rtree`, `cadastre_features_rtree`: bounding boxes, so
 *   the map asks for what is in view and the fiche for what touches.
 * - `cadastre_search`: contentless FTS5 over the folded lieu-dit and
 *   addresses (« 8 rue des champs »), prefix-indexed for search as you type.
 * Triggers keep the indexes in step with the tables: the sync's generic
 * delete and clear (electron/core/json-collection.ts) need nothing more.
 */
export const cadastreMigration: ClientMigration = {
  version: 1,
  name: 'cadastre',
  up(db: Database.Database): void {
    db.exec(`
      CREATE TABLE cadastre_parcels (
        rid INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        version INTEGER,
        insee TEXT NOT NULL,
        prefixe TEXT NOT NULL,
        section TEXT NOT NULL,
        numero TEXT NOT NULL,
        contenance INTEGER,
        lieu_dit TEXT,
        address TEXT,
        search_text TEXT NOT NULL,
        minx REAL NOT NULL, miny REAL NOT NULL, maxx REAL NOT NULL, maxy REAL NOT NULL,
        data TEXT NOT NULL
      );
      CREATE INDEX cadastre_parcels_section ON cadastre_parcels (section, numero);
      CREATE VIRTUAL TABLE cadastre_parcels_rtree USING rtree(rid, minx, maxx, miny, maxy);
      CREATE VIRTUAL TABLE cadastre_search USING fts5(
        text, content='', contentless_delete=1, tokenize="unicode61 remove_diacritics 2", prefix='1 2 3'
      );
      CREATE TRIGGER cadastre_parcels_ai AFTER INSERT ON cadastre_parcels BEGIN
        INSERT INTO cadastre_parcels_rtree VALUES (new.rid, new.minx, new.maxx, new.miny, new.maxy);
        INSERT INTO cadastre_search (rowid, text) VALUES (new.rid, new.search_text);
      END;
      CREATE TRIGGER cadastre_parcels_au AFTER UPDATE ON cadastre_parcels BEGIN
        UPDATE cadastre_parcels_rtree SET minx = new.minx, maxx = new.maxx, miny = new.miny, maxy = new.maxy WHERE rid = new.rid;
        DELETE FROM cadastre_search WHERE rowid = old.rid;
        INSERT INTO cadastre_search (rowid, text) VALUES (new.rid, new.search_text);
      END;
      CREATE TRIGGER cadastre_parcels_ad AFTER DELETE ON cadastre_parcels BEGIN
        DELETE FROM cadastre_parcels_rtree WHERE rid = old.rid;
        DELETE FROM cadastre_search WHERE rowid = old.rid;
      END;

      CREATE TABLE cadastre_features (
        rid INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        version INTEGER,
        insee TEXT NOT NULL,
        kind TEXT NOT NULL,
        parcel TEXT,
        minx REAL NOT NULL, miny REAL NOT NULL, maxx REAL NOT NULL, maxy REAL NOT NULL,
        data TEXT NOT NULL
      );
      CREATE INDEX cadastre_features_parcel ON cadastre_features (parcel) WHERE parcel IS NOT NULL;
      CREATE VIRTUAL TABLE cadastre_features_rtree USING rtree(rid, minx, maxx, miny, maxy);
      CREATE TRIGGER cadastre_features_ai AFTER INSERT ON cadastre_features BEGIN
        INSERT INTO cadastre_features_rtree VALUES (new.rid, new.minx, new.maxx, new.miny, new.maxy);
      END;
      CREATE TRIGGER cadastre_features_au AFTER UPDATE ON cadastre_features BEGIN
        UPDATE cadastre_features_rtree SET minx = new.minx, maxx = new.maxx, miny = new.miny, maxy = new.maxy WHERE rid = new.rid;
      END;
      CREATE TRIGGER cadastre_features_ad AFTER DELETE ON cadastre_features BEGIN
        DELETE FROM cadastre_features_rtree WHERE rid = old.rid;
      END;

      CREATE TABLE cadastre_vintages (id TEXT PRIMARY KEY, version INTEGER, data TEXT NOT NULL);
    `);
  },
};
