/**
 * Local rows of the two small electoral collections: demands (written here and
 * by the hub) and import records (written by an import, then by the hub).
 * Deletes, counts and clears from the hub go through electron/core/json-collection.ts.
 */
import type Database from 'better-sqlite3';
import { demandSchema, type Demand, type ImportRecord } from '../../shared/electoral/types.js';

export interface DemandStore {
  put(demand: Demand, version: number | null): void;
  get(id: string): { demand: Demand; version: number | null } | null;
  list(status: Demand['status'] | null): { demand: Demand; version: number | null }[];
  ofElector(electorId: string): Demand[];
}

export function createDemandStore(db: Database.Database): DemandStore {
  const upsert = db.prepare(
    `INSERT INTO electoral_demands (id, version, status, elector_id, created_at_local, data) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (id) DO UPDATE SET version = excluded.version, status = excluded.status, elector_id = excluded.elector_id,
       created_at_local = excluded.created_at_local, data = excluded.data`,
  );
  type Row = { data: string; version: number | null };
  const one = db.prepare<[string], Row>('SELECT data, version FROM electoral_demands WHERE id = ?');
  const all = db.prepare<[], Row>('SELECT data, version FROM electoral_demands ORDER BY created_at_local DESC, id');
  const byStatus = db.prepare<[string], Row>(
    'SELECT data, version FROM electoral_demands WHERE status = ? ORDER BY created_at_local DESC, id',
  );
  const byElector = db.prepare<[string], Row>(
    'SELECT data, version FROM electoral_demands WHERE elector_id = ? ORDER BY created_at_local DESC, id',
  );
  // Parsed with the schema: a demand stored before the follow-up fields existed gets their defaults.
  const parse = (r: Row) => ({ demand: demandSchema.parse(JSON.parse(r.data)), version: r.version });
  return {
    put: (d, version) => void upsert.run(d.id, version, d.status, d.electorId, d.createdAtLocal, JSON.stringify(d)),
    get: (id) => {
      const r = one.get(id);
      return r ? parse(r) : null;
    },
    list: (status) => (status ? byStatus.all(status) : all.all()).map(parse),
    ofElector: (electorId) => byElector.all(electorId).map((r) => parse(r).demand),
  };
}

export interface ImportStore {
  put(record: ImportRecord, version: number | null): void;
  list(): ImportRecord[];
  hasHash(sha256: string): boolean;
}

export function createImportStore(db: Database.Database): ImportStore {
  const upsert = db.prepare(
    `INSERT INTO electoral_imports (id, version, file_sha256, imported_at_local, data) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (id) DO UPDATE SET version = excluded.version, file_sha256 = excluded.file_sha256,
       imported_at_local = excluded.imported_at_local, data = excluded.data`,
  );
  const all = db.prepare<[], { data: string }>('SELECT data FROM electoral_imports ORDER BY imported_at_local DESC, id');
  const byHash = db.prepare<[string], { n: number }>('SELECT count(*) AS n FROM electoral_imports WHERE file_sha256 = ?');
  return {
    put: (r, version) => void upsert.run(r.id, version, r.fileSha256, r.importedAtLocal, JSON.stringify(r)),
    list: () => all.all().map((r) => JSON.parse(r.data) as ImportRecord),
    hasHash: (sha) => byHash.get(sha)!.n > 0,
  };
}
