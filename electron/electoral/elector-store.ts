/**
 * The only writer and reader of `electors` + `electors_fts` (see migration.ts):
 * every write goes through here so the contentless FTS index never drifts
 * from the table. Statements are prepared once; callers own transactions.
 */
import type Database from 'better-sqlite3';
import { searchTextOf, sortKeyOf } from '../../shared/electoral/normalize.js';
import { parseSearchQuery } from '../../shared/electoral/search-query.js';
import { timeStep } from '../../shared/sync/step-timer.js';
import type { SearchResult } from '../../shared/electoral/ipc.js';
import type { Elector, ElectorSummary, ListType } from '../../shared/electoral/types.js';

/**
 * `rid` follows the display order (birth name, first names, id) with gaps of
 * RID_GAP, so FTS5, which yields matches in rowid order, hands out a sorted
 * page and can stop at the limit: no sort of thousands of matches per
 * keystroke. A hub record inserted later takes the middle of its neighbours'
 * gap; when a gap is used up the table is renumbered (rare).
 */
export const RID_GAP = 2 ** 20;

type SummaryRow = {
  id: string;
  list_type: ListType;
  birth_name: string;
  usage_name: string | null;
  first_names: string;
  birth_date: string;
  bureau_code: string;
  numero_ordre: number | null;
  city: string | null;
};

const SUMMARY_COLUMNS =
  'e.id, e.list_type, e.birth_name, e.usage_name, e.first_names, e.birth_date, e.bureau_code, e.numero_ordre, e.address_city AS city';

const toSummary = (r: SummaryRow): ElectorSummary => ({
  id: r.id,
  listType: r.list_type,
  birthName: r.birth_name,
  usageName: r.usage_name,
  firstNames: r.first_names,
  birthDate: r.birth_date,
  bureauCode: r.bureau_code,
  numeroOrdre: r.numero_ordre,
  city: r.city,
});

/** `Elector` fields as `electors` columns, in the order of `fieldValues`. */
const FIELD_COLUMNS = [
  'ine',
  'birth_name',
  'usage_name',
  'first_names',
  'sex',
  'birth_date',
  'birth_commune_code',
  'birth_commune_label',
  'birth_departement_code',
  'birth_country',
  'nationality',
  'address_number',
  'address_street',
  'address_complement1',
  'address_complement2',
  'address_lieu_dit',
  'address_postal_code',
  'address_city',
  'address_country',
  'bureau_code',
  'bureau_label',
  'numero_ordre',
] as const;

export type ElectorRow = { rid: number; id: string; version: number | null; list_type: ListType; sort_name: string; sort_first: string } & {
  [K in (typeof FIELD_COLUMNS)[number]]: K extends 'numero_ordre'
    ? number | null
    : K extends 'birth_name' | 'first_names' | 'birth_date' | 'bureau_code'
      ? string
      : string | null;
};

const fieldValues = (e: Elector) => {
  const p = e.birthPlace,
    a = e.address;
  return [
    e.ine,
    e.birthName,
    e.usageName,
    e.firstNames,
    e.sex,
    e.birthDate,
    p.communeCode,
    p.communeLabel,
    p.departementCode,
    p.country,
    e.nationality,
    a.number,
    a.street,
    a.complement1,
    a.complement2,
    a.lieuDit,
    a.postalCode,
    a.city,
    a.country,
    e.bureau.code,
    e.bureau.label,
    e.numeroOrdre,
  ] as const;
};

export const electorOf = (r: ElectorRow): Elector => ({
  id: r.id,
  ine: r.ine,
  listType: r.list_type,
  birthName: r.birth_name,
  usageName: r.usage_name,
  firstNames: r.first_names,
  sex: r.sex as Elector['sex'],
  birthDate: r.birth_date,
  birthPlace: {
    communeCode: r.birth_commune_code,
    communeLabel: r.birth_commune_label,
    departementCode: r.birth_departement_code,
    country: r.birth_country,
  },
  nationality: r.nationality,
  address: {
    number: r.address_number,
    street: r.address_street,
    complement1: r.address_complement1,
    complement2: r.address_complement2,
    lieuDit: r.address_lieu_dit,
    postalCode: r.address_postal_code,
    city: r.address_city,
    country: r.address_country,
  },
  bureau: { code: r.bureau_code, label: r.bureau_label },
  numeroOrdre: r.numero_ordre,
});

/**
 * Same keys in the same order as `Elector` (and the hub's zod schema), and
 * no `undefined`: what the store writes whatever produced the object.
 */
export function canonicalElector(e: Elector): Elector {
  const p = e.birthPlace ?? ({} as Elector['birthPlace']);
  const a = e.address ?? ({} as Elector['address']);
  const n = <T>(v: T | undefined): T | null => (v === undefined ? null : v);
  return {
    id: e.id,
    ine: n(e.ine),
    listType: e.listType,
    birthName: e.birthName,
    usageName: n(e.usageName),
    firstNames: e.firstNames ?? '',
    sex: n(e.sex),
    birthDate: e.birthDate,
    birthPlace: {
      communeCode: n(p.communeCode),
      communeLabel: n(p.communeLabel),
      departementCode: n(p.departementCode),
      country: n(p.country),
    },
    nationality: n(e.nationality),
    address: {
      number: n(a.number),
      street: n(a.street),
      complement1: n(a.complement1),
      complement2: n(a.complement2),
      lieuDit: n(a.lieuDit),
      postalCode: n(a.postalCode),
      city: n(a.city),
      country: n(a.country),
    },
    bureau: { code: e.bureau?.code ?? '', label: n(e.bureau?.label) },
    numeroOrdre: n(e.numeroOrdre),
  };
}

/**
 * A whole list made ready for `replaceAll`: canonical electors plus what the
 * store derives from each (folded sort keys, indexed search text) and the
 * display order. Pure (no database), so an import can prepare it off the
 * main thread (reu-worker.ts) and the commit transaction only writes.
 */
export interface PreparedList {
  electors: Elector[];
  sortName: string[];
  sortFirst: string[];
  searchText: string[];
  /** Indexes into `electors`, in display order (sort_name, sort_first, id). */
  order: Uint32Array;
}

export function prepareList(input: readonly Elector[], alreadyCanonical = false): PreparedList {
  const n = input.length;
  const electors = alreadyCanonical ? (input as Elector[]) : input.map(canonicalElector);
  const sortName = new Array<string>(n);
  const sortFirst = new Array<string>(n);
  const searchText = new Array<string>(n);
  for (let i = 0; i < n; i++) {
    const e = electors[i];
    sortName[i] = sortKeyOf(e.birthName);
    sortFirst[i] = sortKeyOf(e.firstNames);
    searchText[i] = searchTextOf(e);
  }
  const order = displayOrder(
    sortName,
    sortFirst,
    electors.map((e) => e.id),
  );
  return { electors, sortName, sortFirst, searchText, order };
}

/** Indexes 0…n-1 in display order: the SQL row-value comparison on (sort_name, sort_first, id) for the folded keys. */
function displayOrder(sortName: readonly string[], sortFirst: readonly string[], ids: readonly string[]): Uint32Array {
  const order = new Uint32Array(sortName.length);
  for (let i = 0; i < order.length; i++) order[i] = i;
  order.sort((a, b) => {
    const na = sortName[a]!,
      nb = sortName[b]!;
    if (na !== nb) return na < nb ? -1 : 1;
    const fa = sortFirst[a]!,
      fb = sortFirst[b]!;
    if (fa !== fb) return fa < fb ? -1 : 1;
    const ia = ids[a]!,
      ib = ids[b]!;
    return ia < ib ? -1 : ia > ib ? 1 : 0;
  });
  return order;
}

/** Fills `args` with the 28 values of the `electors` row of the i-th elector in display order (rid, id, version, list_type, sort keys, FIELD_COLUMNS). */
function fillRowArgs(list: PreparedList, i: number, version: number | null, args: unknown[]): void {
  const j = list.order[i];
  const e = list.electors[j];
  const p = e.birthPlace,
    a = e.address;
  args[0] = (i + 1) * RID_GAP;
  args[1] = e.id;
  args[2] = version;
  args[3] = e.listType;
  args[4] = list.sortName[j];
  args[5] = list.sortFirst[j];
  args[6] = e.ine;
  args[7] = e.birthName;
  args[8] = e.usageName;
  args[9] = e.firstNames;
  args[10] = e.sex;
  args[11] = e.birthDate;
  args[12] = p.communeCode;
  args[13] = p.communeLabel;
  args[14] = p.departementCode;
  args[15] = p.country;
  args[16] = e.nationality;
  args[17] = a.number;
  args[18] = a.street;
  args[19] = a.complement1;
  args[20] = a.complement2;
  args[21] = a.lieuDit;
  args[22] = a.postalCode;
  args[23] = a.city;
  args[24] = a.country;
  args[25] = e.bureau.code;
  args[26] = e.bureau.label;
  args[27] = e.numeroOrdre;
}

const ROW_COLUMNS = ['rid', 'id', 'version', 'list_type', 'sort_name', 'sort_first', ...FIELD_COLUMNS] as const;

/**
 * The leaves of an `Elector` as paths, in the order of the `electors` columns they fill: id, list_type,
 * then FIELD_COLUMNS. A snapshot's elector blocks are laid down through them, column by column.
 */
export const ELECTOR_LEAVES: readonly (readonly string[])[] = [
  ['id'],
  ['listType'],
  ['ine'],
  ['birthName'],
  ['usageName'],
  ['firstNames'],
  ['sex'],
  ['birthDate'],
  ['birthPlace', 'communeCode'],
  ['birthPlace', 'communeLabel'],
  ['birthPlace', 'departementCode'],
  ['birthPlace', 'country'],
  ['nationality'],
  ['address', 'number'],
  ['address', 'street'],
  ['address', 'complement1'],
  ['address', 'complement2'],
  ['address', 'lieuDit'],
  ['address', 'postalCode'],
  ['address', 'city'],
  ['address', 'country'],
  ['bureau', 'code'],
  ['bureau', 'label'],
  ['numeroOrdre'],
];
const LEAF = { id: 0, listType: 1, birthName: 3, usageName: 4, firstNames: 5 } as const;

/**
 * A whole list in columns, checked against the elector schema by the caller: `columns[k][i]` is leaf
 * ELECTOR_LEAVES[k] of elector i, `versions[i]` its hub version. What a snapshot brings, without an
 * object per elector.
 */
export interface ElectorColumns {
  columns: readonly (readonly unknown[])[];
  versions: readonly number[];
}

/** ElectorColumns plus what the store derives (as PreparedList): folded sort keys, search text, display order. */
export interface PreparedColumns extends ElectorColumns {
  sortName: string[];
  sortFirst: string[];
  searchText: string[];
  order: Uint32Array;
}

export function prepareColumns(list: ElectorColumns): PreparedColumns {
  const { columns } = list;
  const n = list.versions.length;
  const birthName = columns[LEAF.birthName] as readonly string[];
  const usageName = columns[LEAF.usageName] as readonly (string | null)[];
  const firstNames = columns[LEAF.firstNames] as readonly string[];
  const ids = columns[LEAF.id] as readonly string[];
  const sortName = new Array<string>(n);
  const sortFirst = new Array<string>(n);
  const searchText = new Array<string>(n);
  // One object refilled per elector: searchTextOf reads the three names and keeps nothing.
  const names = { birthName: '', usageName: null as string | null, firstNames: '' };
  for (let i = 0; i < n; i++) {
    names.birthName = birthName[i]!;
    names.usageName = usageName[i]!;
    names.firstNames = firstNames[i]!;
    sortName[i] = sortKeyOf(names.birthName);
    sortFirst[i] = sortKeyOf(names.firstNames);
    searchText[i] = searchTextOf(names);
  }
  return { ...list, sortName, sortFirst, searchText, order: displayOrder(sortName, sortFirst, ids) };
}

/**
 * An import's rows, written ahead of the commit into a throw-away database
 * file (by the preview's worker thread, see import-job.ts): the `electors`
 * rows in display order with their rid, plus the FTS text. The commit then
 * copies them with two `INSERT … SELECT` (SQLite's C code, no per-row
 * binding from JavaScript): on 100 000 electors ~0.55 s on the main thread
 * instead of ~1.1 s binding each row there. No journal and no sync: the file
 * is rebuilt from the extract if anything goes wrong.
 */
export function writeStagingFile(db: Database.Database, list: PreparedList): void {
  db.pragma('journal_mode = OFF');
  db.pragma('synchronous = OFF');
  // A half-written file from an attempt that broke down is started over.
  db.exec('DROP TABLE IF EXISTS staged_electors');
  db.exec(`CREATE TABLE staged_electors (rid INTEGER PRIMARY KEY, ${ROW_COLUMNS.slice(1).join(', ')}, fts_names, fts_list)`);
  const insert = db.prepare(`INSERT INTO staged_electors VALUES (${ROW_COLUMNS.map(() => '?').join(', ')}, ?, ?)`);
  const args: unknown[] = new Array(ROW_COLUMNS.length + 2);
  db.transaction(() => {
    for (let i = 0; i < list.order.length; i++) {
      fillRowArgs(list, i, null, args);
      const j = list.order[i];
      args[28] = list.searchText[j];
      args[29] = LIST_TOKEN[list.electors[j].listType];
      insert.run(args);
    }
  })();
}

const LIST_TOKEN: Record<ListType, string> = { LP: 'lp', LCM: 'lcm', LCE: 'lce' };

export type ComparableElector = Pick<Elector, 'id' | 'birthName' | 'firstNames' | 'birthDate' | 'bureau' | 'address'>;

export interface ElectorStore {
  /** Insert or update one elector with its hub version (null = not yet acknowledged). */
  upsert(elector: Elector, version: number | null): void;
  remove(id: string): void;
  /** Full replacement (an import): faster than row-by-row upserts for a whole list. */
  replaceAll(electors: readonly Elector[] | PreparedList, versionOf: (id: string) => number | null): void;
  /**
   * Same, from the rows an import staged (writeStagingFile) in the database attached as `schema`;
   * electors already on the list keep their hub version.
   */
  replaceAllStaged(schema: string): void;
  /** Same, from a list in columns (a snapshot) with its hub versions. */
  replaceAllColumns(list: PreparedColumns): void;
  clear(): void;
  count(listType?: ListType | null): number;
  get(id: string): { elector: Elector; version: number | null } | null;
  /** Electors carrying this INE (one, normally; the REU extract rarely has it). */
  byIne(ine: string): Elector[];
  /** Every elector, in display order. */
  all(): Elector[];
  /** What the import diff compares, for every elector (a third of the columns: reading the whole list is the slow part). */
  comparable(): ComparableElector[];
  versions(): Map<string, number | null>;
  search(q: { query: string; listType: ListType | null; offset: number; limit: number }): SearchResult;
  /** Bumped by every write: lets an import preview notice the list changed under it. */
  generation(): number;
}

/** `date` (AAAA-MM-JJ) against a search pattern of the same length where `_` matches any digit. */
function likeDate(date: string, pattern: string): boolean {
  if (date.length !== pattern.length) return false;
  for (let i = 0; i < pattern.length; i++) if (pattern[i] !== '_' && pattern[i] !== date[i]) return false;
  return true;
}

export function createElectorStore(db: Database.Database): ElectorStore {
  const insertRow = db.prepare(
    `INSERT INTO electors (rid, id, version, list_type, sort_name, sort_first, ${FIELD_COLUMNS.join(', ')})
     VALUES (?, ?, ?, ?, ?, ?, ${FIELD_COLUMNS.map(() => '?').join(', ')})`,
  );
  const updateRow = db.prepare(
    `UPDATE electors SET version = ?, list_type = ?, sort_name = ?, sort_first = ?, ${FIELD_COLUMNS.map((c) => `${c} = ?`).join(', ')} WHERE rid = ?`,
  );
  const updateVersion = db.prepare('UPDATE electors SET version = ? WHERE rid = ?');
  const selectById = db.prepare<[string], ElectorRow>('SELECT * FROM electors WHERE id = ?');
  const selectByIne = db.prepare<[string], ElectorRow>('SELECT * FROM electors WHERE ine = ? LIMIT 10');
  const deleteRow = db.prepare('DELETE FROM electors WHERE rid = ?');
  const insertFts = db.prepare('INSERT INTO electors_fts (rowid, names, list) VALUES (?, ?, ?)');
  const deleteFts = db.prepare('DELETE FROM electors_fts WHERE rowid = ?');
  const prevRid = db.prepare<[string, string, string], { rid: number }>(
    'SELECT rid FROM electors WHERE (sort_name, sort_first, id) < (?, ?, ?) ORDER BY sort_name DESC, sort_first DESC, id DESC LIMIT 1',
  );
  const nextRid = db.prepare<[string, string, string], { rid: number }>(
    'SELECT rid FROM electors WHERE (sort_name, sort_first, id) > (?, ?, ?) ORDER BY sort_name, sort_first, id LIMIT 1',
  );
  const countAll = db.prepare<[], { n: number }>('SELECT count(*) AS n FROM electors');
  const countList = db.prepare<[string], { n: number }>('SELECT count(*) AS n FROM electors WHERE list_type = ?');
  const selectAll = db.prepare<[], ElectorRow>('SELECT * FROM electors ORDER BY rid');
  const selectComparable = db
    .prepare<[], unknown[]>(
      `SELECT id, birth_name, first_names, birth_date, bureau_code, bureau_label, address_number, address_street, address_complement1,
         address_complement2, address_lieu_dit, address_postal_code, address_city, address_country FROM electors`,
    )
    .raw(true);
  const selectVersions = db.prepare<[], { id: string; version: number | null }>('SELECT id, version FROM electors');

  const listAll = db.prepare<[number, number], SummaryRow>(`SELECT ${SUMMARY_COLUMNS} FROM electors e ORDER BY e.rid LIMIT ? OFFSET ?`);
  const countMatch = db.prepare<[string], { n: number }>('SELECT count(*) AS n FROM electors_fts WHERE electors_fts MATCH ?');
  const pageOfMatch = db.prepare<[string, number, number], SummaryRow>(
    `SELECT ${SUMMARY_COLUMNS} FROM electors_fts f CROSS JOIN electors e ON e.rid = f.rowid
     WHERE electors_fts MATCH ? ORDER BY f.rowid LIMIT ? OFFSET ?`,
  );
  // Birth-date criterion (shared/electoral/search-query.ts). birth_date has no
  // index, and a scan of the wide electors rows costs ~60 ms at 100 000: the
  // store keeps, per generation, the rids of each birth date (built by one
  // narrow scan on the first date query after a write), matches the pattern
  // against the ~40 000 distinct dates, and fetches only the page's rows.
  const selectDates = db.prepare<[], [number, string, string]>('SELECT rid, birth_date, list_type FROM electors').raw(true);
  const selectFtsRids = db
    .prepare<[string], [number]>('SELECT rowid FROM electors_fts WHERE electors_fts MATCH ? ORDER BY rowid')
    .raw(true);
  const pageOfRids = db.prepare<[string], SummaryRow>(
    `SELECT ${SUMMARY_COLUMNS} FROM electors e WHERE e.rid IN (SELECT value FROM json_each(?)) ORDER BY e.rid`,
  );
  let datesIndex: Map<string, { rid: number; list: string }[]> | null = null;
  function ridsBornLike(pattern: string, listType: ListType | null): number[] {
    if (datesIndex === null) {
      datesIndex = new Map();
      for (const [rid, date, list] of selectDates.iterate()) {
        const at = datesIndex.get(date);
        if (at) at.push({ rid, list });
        else datesIndex.set(date, [{ rid, list }]);
      }
    }
    const exact = !pattern.includes('_');
    const rids: number[] = [];
    const take = (entries: { rid: number; list: string }[] | undefined) => {
      for (const e of entries ?? []) if (listType === null || e.list === listType) rids.push(e.rid);
    };
    if (exact) take(datesIndex.get(pattern));
    else for (const [date, entries] of datesIndex) if (likeDate(date, pattern)) take(entries);
    return rids.sort((a, b) => a - b);
  }
  const pageOf = (rids: number[], offset: number, limit: number): SearchResult => {
    const total = rids.length;
    if (total === 0 || offset >= total) return { total, items: [] };
    return { total, items: pageOfRids.all(JSON.stringify(rids.slice(offset, offset + limit))).map(toSummary) };
  };

  let gen = 0;
  const countCache = new Map<string, number>();
  const touched = () => {
    gen++;
    countCache.clear();
    datesIndex = null;
  };

  type Keyed = { e: Elector; sortName: string; sortFirst: string };
  const keyed = (input: Elector): Keyed => {
    const e = canonicalElector(input);
    return { e, sortName: sortKeyOf(e.birthName), sortFirst: sortKeyOf(e.firstNames) };
  };
  const columnsOf = ({ e, sortName, sortFirst }: Keyed) => [e.listType, sortName, sortFirst, ...fieldValues(e)] as const;
  const writeFts = (rid: number, e: Elector) => insertFts.run(rid, searchTextOf(e), LIST_TOKEN[e.listType]);

  /**
   * Bulk loads of a whole list, inside the caller's transaction. Measured on
   * 100 000 electors: binding one prepared single-row INSERT per elector from
   * one reused array is the fastest way in from JavaScript (~0.45 s; a 64-row
   * multi-VALUES statement ~0.55 s, `INSERT … SELECT FROM json_each(?)` ~1.8 s),
   * and the same for the contentless FTS5 index (~0.28 s; 'rebuild' does not
   * exist for a contentless table); copying from a staged file (loadStaged) is
   * cheaper still. Both drop the two secondary indexes and build them once after
   * the load (~0.1–0.16 s, one sort each, instead of keeping them up to date row by row).
   */
  function bulkLoad(fill: () => void): void {
    // A whole list is ~50 MB of pages: a larger page cache for the load saves ~15 % (spills and index sorts).
    const cacheSize = db.pragma('cache_size', { simple: true }) as number;
    db.pragma('cache_size = -65536');
    try {
      db.exec(
        "DELETE FROM electors; INSERT INTO electors_fts (electors_fts) VALUES ('delete-all'); DROP INDEX electors_by_name; DROP INDEX electors_by_id;",
      );
      timeStep('pc.electors.insert', fill);
      timeStep('pc.electors.indexes', () =>
        db.exec(
          'CREATE UNIQUE INDEX electors_by_id ON electors (id); CREATE INDEX electors_by_name ON electors (sort_name, sort_first, id);',
        ),
      );
    } finally {
      db.pragma(`cache_size = ${Number(cacheSize)}`);
    }
    touched();
  }

  function loadPrepared(list: PreparedList, versionOf: (id: string) => number | null): void {
    bulkLoad(() => {
      const args: unknown[] = new Array(ROW_COLUMNS.length);
      for (let i = 0; i < list.order.length; i++) {
        const j = list.order[i];
        fillRowArgs(list, i, versionOf(list.electors[j].id), args);
        insertRow.run(args);
        insertFts.run(args[0], list.searchText[j], LIST_TOKEN[list.electors[j].listType]);
      }
    });
  }

  /** Binds each row straight from the columns: no elector object, one reused argument array. */
  function loadColumns(list: PreparedColumns): void {
    bulkLoad(() => {
      const { columns, versions, order, sortName, sortFirst, searchText } = list;
      const listTypes = columns[LEAF.listType] as readonly ListType[];
      const args: unknown[] = new Array(ROW_COLUMNS.length);
      for (let i = 0; i < order.length; i++) {
        const j = order[i]!;
        args[0] = (i + 1) * RID_GAP;
        args[1] = columns[LEAF.id]![j];
        args[2] = versions[j];
        args[3] = listTypes[j];
        args[4] = sortName[j];
        args[5] = sortFirst[j];
        // ELECTOR_LEAVES from ine on are FIELD_COLUMNS, in order.
        for (let k = 2; k < columns.length; k++) args[k + 4] = columns[k]![j];
        insertRow.run(args);
        insertFts.run(args[0], searchText[j], LIST_TOKEN[listTypes[j]!]);
      }
    });
  }

  /** From the `staged_electors` table of the database attached as `schema` (writeStagingFile); hub versions kept by id. */
  function loadStaged(schema: string): void {
    db.exec(`
      DROP TABLE IF EXISTS temp.import_versions;
      CREATE TEMP TABLE import_versions (id TEXT PRIMARY KEY, version INTEGER NOT NULL) WITHOUT ROWID;
      INSERT INTO temp.import_versions SELECT id, version FROM electors WHERE version IS NOT NULL;`);
    try {
      bulkLoad(() => {
        const cols = ROW_COLUMNS.filter((c) => c !== 'version');
        db.exec(`
          INSERT INTO electors (version, ${cols.join(', ')})
            SELECT v.version, ${cols.map((c) => `s.${c}`).join(', ')} FROM ${schema}.staged_electors s LEFT JOIN temp.import_versions v ON v.id = s.id ORDER BY s.rid;
          INSERT INTO electors_fts (rowid, names, list) SELECT rid, fts_names, fts_list FROM ${schema}.staged_electors ORDER BY rid;`);
      });
    } finally {
      db.exec('DROP TABLE temp.import_versions');
    }
  }

  /** A free rid between the neighbours of `k` in display order, or null when the gap is used up. */
  function ridFor(k: Keyed): number | null {
    const lo = prevRid.get(k.sortName, k.sortFirst, k.e.id)?.rid ?? 0;
    const next = nextRid.get(k.sortName, k.sortFirst, k.e.id)?.rid;
    const hi = next ?? lo + 2 * RID_GAP;
    return hi - lo >= 2 ? lo + Math.floor((hi - lo) / 2) : null;
  }

  function insertAt(k: Keyed, version: number | null): void {
    const rid = ridFor(k);
    if (rid === null) {
      // No room left between the neighbours: renumber the whole list with fresh gaps, this row included.
      const versions = store.versions();
      versions.set(k.e.id, version);
      loadPrepared(prepareList([...store.all(), k.e], true), (id) => versions.get(id) ?? null);
      return;
    }
    insertRow.run(rid, k.e.id, version, ...columnsOf(k));
    writeFts(rid, k.e);
  }

  const store: ElectorStore = {
    upsert(input, version) {
      const k = keyed(input);
      const existing = selectById.get(k.e.id);
      if (existing) {
        if (JSON.stringify(electorOf(existing)) === JSON.stringify(k.e)) {
          if (existing.version !== version) updateVersion.run(version, existing.rid);
          return;
        }
        deleteFts.run(existing.rid);
        if (existing.sort_name === k.sortName && existing.sort_first === k.sortFirst) {
          updateRow.run(version, ...columnsOf(k), existing.rid);
          writeFts(existing.rid, k.e);
        } else {
          // The name changed: the row moves to its new place in display order.
          deleteRow.run(existing.rid);
          insertAt(k, version);
        }
      } else {
        insertAt(k, version);
      }
      touched();
    },
    remove(id) {
      const existing = selectById.get(id);
      if (!existing) return;
      deleteRow.run(existing.rid);
      deleteFts.run(existing.rid);
      touched();
    },
    replaceAll(list, versionOf) {
      loadPrepared(Array.isArray(list) ? prepareList(list) : (list as PreparedList), versionOf);
    },
    replaceAllStaged(schema) {
      loadStaged(schema);
    },
    replaceAllColumns: loadColumns,
    clear() {
      db.exec("DELETE FROM electors; INSERT INTO electors_fts (electors_fts) VALUES ('delete-all');");
      touched();
    },
    count(listType) {
      const key = listType ?? '*';
      let n = countCache.get(key);
      if (n === undefined) {
        n = listType ? countList.get(listType)!.n : countAll.get()!.n;
        countCache.set(key, n);
      }
      return n;
    },
    byIne: (ine) => selectByIne.all(ine).map(electorOf),
    get(id) {
      const row = selectById.get(id);
      return row ? { elector: electorOf(row), version: row.version } : null;
    },
    all() {
      return selectAll.all().map(electorOf);
    },
    comparable() {
      return (selectComparable.all() as (string | null)[][]).map((r) => ({
        id: r[0]!,
        birthName: r[1]!,
        firstNames: r[2]!,
        birthDate: r[3]!,
        bureau: { code: r[4]!, label: r[5] },
        address: {
          number: r[6],
          street: r[7],
          complement1: r[8],
          complement2: r[9],
          lieuDit: r[10],
          postalCode: r[11],
          city: r[12],
          country: r[13],
        },
      }));
    },
    versions() {
      return new Map(selectVersions.all().map((r) => [r.id, r.version]));
    },
    search({ query, listType, offset, limit }) {
      const { terms, birthDate } = parseSearchQuery(query);
      const list = listType ? `list : "${listType.toLowerCase()}"` : null;
      if (birthDate !== null) {
        // A birth date: the rids born so (ridsBornLike), narrowed by the name words through FTS.
        const born = ridsBornLike(birthDate, listType ?? null);
        if (terms.length === 0) return pageOf(born, offset, limit);
        const wanted = new Set(born);
        const match = [...terms.map((t) => `names : "${t}"*`), ...(list ? [list] : [])].join(' AND ');
        return pageOf(
          selectFtsRids.all(match).flatMap(([rid]) => (wanted.has(rid) ? [rid] : [])),
          offset,
          limit,
        );
      }
      if (terms.length === 0 && !list) return { total: store.count(null), items: listAll.all(limit, offset).map(toSummary) };
      const match = [...terms.map((t) => `names : "${t}"*`), ...(list ? [list] : [])].join(' AND ');
      const total = terms.length === 0 ? store.count(listType) : countMatch.get(match)!.n;
      if (total === 0 || offset >= total) return { total, items: [] };
      return { total, items: pageOfMatch.all(match, limit, offset).map(toSummary) };
    },
    generation: () => gen,
  };
  return store;
}
