import type Database from 'better-sqlite3';
import type { CollectionName, SyncRecord } from '../../shared/sync/protocol.js';

/**
 * Pulled records waiting to be applied (`pull_staging`). Pages land here one
 * transaction each; the local tables and the cursor only change later, in one
 * transaction, so a crash mid-pull leaves the replica exactly as it was and
 * the next cycle simply pulls again (staging is cleared at the start).
 */
export interface PullStaging {
  clear(): void;
  add(records: SyncRecord[]): void;
  /** Last staged state of each record, in hub order (later versions win); `collection` narrows it. */
  latest(collection?: CollectionName): SyncRecord[];
  /** Last staged state of each record of `collection` that is a tombstone. */
  tombstones(collection: CollectionName): SyncRecord[];
  size(): number;
}

interface StagingRow {
  collection: string;
  record_id: string;
  version: number;
  deleted: number;
  data: string | null;
}

export function createPullStaging(db: Database.Database): PullStaging {
  const insert = db.prepare('INSERT INTO pull_staging (collection, record_id, version, deleted, data) VALUES (?, ?, ?, ?, ?)');
  const LATEST = 'seq IN (SELECT max(seq) FROM pull_staging GROUP BY collection, record_id)';
  const latestAll = db.prepare<[], StagingRow>(`SELECT collection, record_id, version, deleted, data FROM pull_staging WHERE ${LATEST} ORDER BY seq`);
  const latestOf = db.prepare<[string], StagingRow>(
    `SELECT collection, record_id, version, deleted, data FROM pull_staging WHERE collection = ? AND ${LATEST} ORDER BY seq`,
  );
  const tombstonesOf = db.prepare<[string], StagingRow>(
    `SELECT collection, record_id, version, deleted, data FROM pull_staging WHERE collection = ? AND deleted = 1 AND ${LATEST} ORDER BY seq`,
  );
  const toRecord = (r: StagingRow): SyncRecord => ({
    collection: r.collection as CollectionName,
    id: r.record_id,
    version: r.version,
    deleted: r.deleted === 1,
    data: r.data === null ? null : JSON.parse(r.data),
  });
  const size = db.prepare<[], { n: number }>('SELECT count(*) AS n FROM pull_staging');
  const addAll = db.transaction((records: SyncRecord[]) => {
    for (const r of records) insert.run(r.collection, r.id, r.version, r.deleted ? 1 : 0, r.deleted || r.data == null ? null : JSON.stringify(r.data));
  });
  return {
    clear: () => void db.prepare('DELETE FROM pull_staging').run(),
    add: (records) => addAll(records),
    latest: (collection) => (collection === undefined ? latestAll.all() : latestOf.all(collection)).map(toRecord),
    tombstones: (collection) => tombstonesOf.all(collection).map(toRecord),
    size: () => size.get()!.n,
  };
}
