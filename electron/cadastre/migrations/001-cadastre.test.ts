import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { cadastreMigration } from './001-cadastre.js';

describe('client migrations: cadastre 1', () => {
  it('keeps the R*Tree and the search index in step with the parcels through insert, update and delete', () => {
    const db = new Database(':memory:');
    cadastreMigration.up(db);
    const insert = db.prepare(`INSERT INTO cadastre_parcels (id, insee, prefixe, section, numero, search_text, minx, miny, maxx, maxy, data)
      VALUES (?, '25354', '000', 'AK', '0012', ?, 1, 1, 2, 2, '{}')`);
    insert.run('25354000AK0012', 'au village 8 rue des champs');
    const inBox = () => db.prepare('SELECT count(*) FROM cadastre_parcels_rtree WHERE minx <= 1.5 AND maxx >= 1.5').pluck().get();
    const found = (q: string) => db.prepare('SELECT count(*) FROM cadastre_search WHERE cadastre_search MATCH ?').pluck().get(q);
    expect(inBox()).toBe(1);
    expect(found('cham*')).toBe(1);
    db.prepare("UPDATE cadastre_parcels SET search_text = 'les grands pres', minx = 5, maxx = 6 WHERE id = '25354000AK0012'").run();
    expect(inBox()).toBe(0);
    expect(found('cham*')).toBe(0);
    expect(found('pres')).toBe(1);
    db.prepare('DELETE FROM cadastre_parcels').run();
    expect(found('pres')).toBe(0);
    expect(db.prepare('SELECT count(*) FROM cadastre_parcels_rtree').pluck().get()).toBe(0);
    db.close();
  });
});
