import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { demandSchema } from '../../shared/electoral/types.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Elector } from '../../shared/electoral/types.js';
import { generateReuRows, renderReuCsv, seededRandom } from '../../shared/electoral/synthetic.js';
import { registry } from '../../shared/domains.js';
import { decodeBlocks, derivedIds, encodeBlocks, readBlocks, recordsOfBlock } from '../../shared/sync/columns.js';
import type { SyncRecord } from '../../shared/sync/protocol.js';
import type { LocalCollection } from '../core/context.js';
import { columnCheckOf } from '../../shared/sync/column-check.js';
import { electorSchema } from '../../shared/electoral/schemas.js';
import { ELECTOR_LEAVES, RID_GAP } from './elector-store.js';
import { createElectoralModule, type ElectoralModule } from './module.js';
import { parseReuExtract } from './reu-parser.js';
import { utf8Bytes } from './reu-variants.js';
import { createStandaloneContext, type StandaloneContext } from '../core/test-context.js';

let dir: string;
let sc: StandaloneContext;
let mod: ElectoralModule;
let col: (name: string) => LocalCollection;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'guichet-electoral-col-'));
  sc = createStandaloneContext({ dataDir: dir });
  mod = createElectoralModule(sc.ctx);
  col = (name) => mod.collections.find((c) => c.name === name)!;
});
afterEach(() => {
  sc.close();
  rmSync(dir, { recursive: true, force: true });
});

function electors(count: number, seed = 3): Elector[] {
  return parseReuExtract('x.csv', utf8Bytes(renderReuCsv(generateReuRows({ seed, count, inseeCode: '10387', communeName: 'Troyes' }))))
    .electors;
}
const rec = (e: Elector, version: number): SyncRecord => ({ collection: 'electoral.electors', id: e.id, version, deleted: false, data: e });
const tomb = (collection: SyncRecord['collection'], id: string, version: number): SyncRecord => ({
  collection,
  id,
  version,
  deleted: true,
  data: null,
});
const applyAll = (c: LocalCollection, records: SyncRecord[]) =>
  sc.db.transaction(() => {
    for (const r of records) c.apply(r);
  })();
const search = (query: string, limit = 100) =>
  mod.handlers['electoral:search']({ query, limit }) as { total: number; items: { id: string; birthName: string; firstNames: string }[] };
/** Every column of every elector but `rid` (its gaps differ between a bulk load and inserts one by one), in display order. */
const replicaRows = (db: StandaloneContext['db']) =>
  db
    .prepare('SELECT * FROM electors ORDER BY rid')
    .all()
    .map((r) => ({ ...(r as Record<string, unknown>), rid: undefined }));
const c = (db: StandaloneContext['db'], table: string) => (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
/** A table whole, in rowid order (the FTS5 shadow tables included: same index, byte for byte). */
const dump = (db: StandaloneContext['db'], table: string) => db.prepare(`SELECT * FROM ${table} ORDER BY 1`).raw(true).all();
/** Ids of the hub records the log says were skipped, in order. */
const skipped = (logFile: string) =>
  readFileSync(logFile, 'utf8')
    .split('\n')
    .filter((l) => l.includes('malformed hub record skipped'))
    .map((l) => (JSON.parse(l) as { id: string }).id);
/** Every elector must be findable, and nothing else: the FTS index matches the table. */
function ftsConsistent(): void {
  const n = (sc.db.prepare('SELECT count(*) AS n FROM electors').get() as { n: number }).n;
  const indexed = (
    sc.db.prepare("SELECT count(*) AS n FROM electors_fts WHERE electors_fts MATCH 'list : lp OR list : lcm OR list : lce'").get() as {
      n: number;
    }
  ).n;
  expect(indexed).toBe(n);
}

describe('electoral.electors collection', () => {
  it('applies hub records with their version, updates names in the index, deletes on tombstones', () => {
    const list = electors(300);
    const c = col('electoral.electors');
    applyAll(
      c,
      list.map((e, i) => rec(e, 100 + i)),
    );
    expect(c.count()).toBe(300);
    ftsConsistent();
    const fontaine = list.find((e) => e.birthName === 'DE LA FONTAINE')!;
    expect(search('lafontaine').items.map((i) => i.id)).toEqual([fontaine.id]);
    expect((sc.db.prepare('SELECT version FROM electors WHERE id = ?').get(fontaine.id) as { version: number }).version).toBe(102);

    applyAll(c, [rec({ ...fontaine, birthName: 'DE LA ROCHE' }, 900)]);
    expect(search('lafontaine').total).toBe(0);
    expect(search('laroche').items.map((i) => i.id)).toEqual([fontaine.id]);
    const fiche = mod.handlers['electoral:elector']({ id: fontaine.id }) as { elector: Elector };
    expect(fiche.elector.birthName).toBe('DE LA ROCHE');

    applyAll(c, [tomb('electoral.electors', fontaine.id, 901)]);
    expect(search('laroche').total).toBe(0);
    expect(c.count()).toBe(299);
    ftsConsistent();

    sc.db.transaction(() => c.clear())();
    expect(c.count()).toBe(0);
    expect(search('').total).toBe(0);
    ftsConsistent();
  });

  it('keeps search results in name order whatever order the hub sends records in', () => {
    const list = electors(2000, 5);
    const rnd = seededRandom(9);
    const shuffled = [...list].sort(() => rnd() - 0.5);
    applyAll(
      col('electoral.electors'),
      shuffled.map((e, i) => rec(e, i + 1)),
    );
    const fold = (s: string) =>
      s
        .normalize('NFD')
        .replace(/\p{M}/gu, '')
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, ' ')
        .trim();
    for (const q of ['', 'ma', 'jean', 'le']) {
      const items = (mod.handlers['electoral:search']({ query: q, limit: 500 }) as { items: { birthName: string; firstNames: string }[] })
        .items;
      const keys = items.map((i) => `${fold(i.birthName)}\u0000${fold(i.firstNames)}`);
      expect(keys, q).toEqual([...keys].sort());
    }
    ftsConsistent();
  });

  it('a snapshot laid down in bulk, through the compact encoding, gives the replica that applying its records one by one gives', () => {
    const list = electors(600, 8);
    const records = list.map((e, i) => rec(e, 3 * i + 1));
    // What a first sync does: the hub's columns, decoded on the PC, then the collection's bulk load.
    const sha = (t: string) => createHash('sha256').update(t).digest('hex');
    const derive = derivedIds(registry, sha);
    const wire = JSON.parse(JSON.stringify(encodeBlocks(records, derive))) as ReturnType<typeof encodeBlocks>;
    expect(wire.rest).toEqual([]);
    const bulk = col('electoral.electors');
    sc.db.transaction(() => bulk.load!(decodeBlocks(wire.blocks, derive)))();
    const bulkRows = replicaRows(sc.db);
    const bulkSearches = ['', 'ma', 'jean', 'de la', 'lafontaine', 'list:lce'].map((q) => search(q, 500));
    ftsConsistent();

    const other = createStandaloneContext({ dataDir: mkdtempSync(join(tmpdir(), 'guichet-electoral-col-')) });
    try {
      const one = createElectoralModule(other.ctx).collections.find((c) => c.name === 'electoral.electors')!;
      other.db.transaction(() => {
        for (const r of records) one.apply(r);
      })();
      expect(bulkRows).toEqual(replicaRows(other.db));
      const otherMod = createElectoralModule(other.ctx);
      const otherSearches = ['', 'ma', 'jean', 'de la', 'lafontaine', 'list:lce'].map((q) =>
        otherMod.handlers['electoral:search']({ query: q, limit: 500 }),
      );
      expect(bulkSearches).toEqual(otherSearches);
      expect(bulkSearches[0]!.total).toBe(600);
      expect(bulkSearches[0]!.items).toHaveLength(500);
    } finally {
      other.close();
    }
  });

  it('a snapshot laid down from its columns gives the database its records give, and refuses the same records', () => {
    const list = electors(600, 9);
    const records = list.map((e, i) => rec(e, 2 * i + 1));
    // Hub rows as a broken import could have left them: a birth date and a list type the schema refuses,
    // a record whose data names another id, and a second copy of an id (the first is kept).
    records[10] = rec({ ...list[10]!, birthDate: '31/12/1970' }, 21);
    records[20] = { ...rec(list[20]!, 41), data: { ...list[20]!, listType: 'XX' } };
    records[40] = { ...rec(list[40]!, 81), id: 'not-its-id' };
    const second = rec({ ...list[30]!, numeroOrdre: 999 }, 5000);
    const sha = (t: string) => createHash('sha256').update(t).digest('hex');
    const derive = derivedIds(registry, sha);
    const pages = [records.slice(0, 250), [...records.slice(250), second]].map(
      (page) => JSON.parse(JSON.stringify(encodeBlocks(page, derive))) as ReturnType<typeof encodeBlocks>,
    );
    expect(pages.map((p) => p.rest)).toEqual([[], []]);
    // The store's leaves are the schema's, all of them: no field left behind by the columnar path.
    expect(columnCheckOf(electorSchema, ELECTOR_LEAVES)).not.toBeNull();
    const blocks = pages.flatMap((p) => readBlocks(p.blocks, derive));
    const fromColumns = col('electoral.electors');
    sc.db.transaction(() => fromColumns.loadColumns!(blocks))();

    const otherDir = mkdtempSync(join(tmpdir(), 'guichet-electoral-col-'));
    const other = createStandaloneContext({ dataDir: otherDir });
    try {
      const fromRecords = createElectoralModule(other.ctx).collections.find((c) => c.name === 'electoral.electors')!;
      other.db.transaction(() => fromRecords.load!(blocks.flatMap(recordsOfBlock)))();
      expect(c(sc.db, 'electors')).toBe(list.length - 3);
      for (const table of ['electors', 'electors_fts_data', 'electors_fts_idx', 'electors_fts_docsize', 'electors_fts_config'])
        expect(dump(sc.db, table), table).toEqual(dump(other.db, table));
      const otherMod = createElectoralModule(other.ctx);
      for (const query of ['', 'ma', 'jean', 'de la', 'lafontaine', 'list:lce'])
        expect(search(query, 500)).toEqual(otherMod.handlers['electoral:search']({ query, limit: 500 }));
      const refused = [list[10]!.id, list[20]!.id, 'not-its-id', list[30]!.id];
      expect(skipped(sc.logFile)).toEqual(refused);
      expect(skipped(other.logFile)).toEqual(refused);
      expect(mod.handlers['electoral:elector']({ id: list[30]!.id })).toMatchObject({ elector: { numeroOrdre: list[30]!.numeroOrdre } });
    } finally {
      other.close();
      rmSync(otherDir, { recursive: true, force: true });
    }
  });

  it('a snapshot block of another shape than the schema’s is laid down from its records', () => {
    const list = electors(50, 4);
    // A key the schema does not know (a newer hub's field): zod drops it, the columns cannot be checked as they are.
    const records = list.map((e, i) => ({ ...rec(e, i + 1), data: { ...e, note: 'x' } }));
    const derive = derivedIds(registry, (t: string) => createHash('sha256').update(t).digest('hex'));
    const blocks = readBlocks(JSON.parse(JSON.stringify(encodeBlocks(records, derive).blocks)), derive);
    expect(blocks[0]!.paths).toContainEqual(['note']);
    sc.db.transaction(() => col('electoral.electors').loadColumns!(blocks))();
    expect(c(sc.db, 'electors')).toBe(50);
    expect(skipped(sc.logFile)).toEqual([]);
    expect(mod.handlers['electoral:elector']({ id: list[7]!.id })).toMatchObject({ elector: list[7]! });
  });

  it('renumbers when records keep landing in the same gap, and stays consistent', () => {
    const c = col('electoral.electors');
    const base = electors(20);
    applyAll(
      c,
      base.map((e, i) => rec(e, i + 1)),
    );
    // Each new "AAA" elector sorts just before the previous one: the gap in front of the list halves every time.
    const extra: Elector[] = [];
    for (let i = 0; i < 2 * Math.log2(RID_GAP) + 4; i++)
      extra.push({ ...base[3], id: `x-${String(99 - i).padStart(3, '0')}`, birthName: 'AAA', firstNames: 'Zoé' });
    applyAll(
      c,
      extra.map((e, i) => rec(e, 100 + i)),
    );
    expect(c.count()).toBe(20 + extra.length);
    const maxRid = (sc.db.prepare('SELECT max(rid) AS m FROM electors').get() as { m: number }).m;
    expect(maxRid).toBeGreaterThan(20 * RID_GAP); // the list was renumbered with fresh gaps
    ftsConsistent();
    const page = search('', 500).items;
    expect(page.slice(0, extra.length).map((i) => i.id)).toEqual(extra.map((e) => e.id).sort());
    expect(search('aaa').total).toBe(extra.length);
    // Versions survive the renumbering.
    expect((sc.db.prepare('SELECT version FROM electors WHERE id = ?').get(base[0].id) as { version: number }).version).toBe(1);
  });
});

describe('electoral.demands and electoral.imports collections', () => {
  it('applies and deletes demands and import records', () => {
    const demand = {
      id: '0b9c6f8e-3c1a-4f7e-9b0a-1c2d3e4f5a6b',
      kind: 'inscription',
      status: 'instruction',
      electorId: null,
      applicant: { birthName: 'NOUVEL', usageName: null, firstNames: 'Arrivant', birthDate: '2000-01-01' },
      newAddress: null,
      newBureauCode: null,
      comment: null,
      createdBy: 'Autre poste',
      createdAtLocal: '2026-03-01T10:00:00.000Z',
    };
    const d = col('electoral.demands');
    applyAll(d, [{ collection: 'electoral.demands', id: demand.id, version: 4, deleted: false, data: demand }]);
    // Read back with the follow-up fields' defaults (a record from before them still reads whole).
    expect(mod.handlers['electoral:demands']({ status: 'instruction' })).toEqual([
      { ...demandSchema.parse(demand), version: 4, pending: false },
    ]);
    // A malformed record is skipped, not stored.
    applyAll(d, [{ collection: 'electoral.demands', id: 'bad', version: 5, deleted: false, data: { id: 'bad' } }]);
    expect(d.count()).toBe(1);
    applyAll(d, [tomb('electoral.demands', demand.id, 6)]);
    expect(d.count()).toBe(0);

    const record = {
      id: 'imp-1',
      fileName: 'com10387_LP_01-03-2026.csv',
      fileSha256: 'a'.repeat(64),
      extractDate: '2026-03-01',
      importedAtLocal: '2026-03-01T10:00:00.000Z',
      importedBy: 'Autre poste',
      counts: { LP: 10, LCM: 0, LCE: 0 },
      diff: { added: 10, removed: 0, changedBureau: 0, changedAddress: 0 },
    };
    const i = col('electoral.imports');
    applyAll(i, [{ collection: 'electoral.imports', id: record.id, version: 8, deleted: false, data: record }]);
    expect(mod.handlers['electoral:imports'](null)).toEqual([record]);
    applyAll(i, [tomb('electoral.imports', record.id, 9)]);
    expect(i.count()).toBe(0);
  });
});
