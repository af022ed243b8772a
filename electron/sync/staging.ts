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
  /** Last staged state of each record, in hub order (later versions win). */
  latest(): SyncRecord[];
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
  const latest = db.prepare<[], StagingRow>(
    `SELECT collection, record_id, version, deleted, data FROM pull_staging
     WHERE seq IN (SELECT max(seq) FROM pull_staging GROUP BY collection, record_id) ORDER BY seq`,
  );
  const size = db.prepare<[], { n: number }>('SELECT count(*) AS n FROM pull_staging');
  const addAll = db.transaction((records: SyncRecord[]) => {
    for (const r of records) insert.run(r.collection, r.id, r.version, r.deleted ? 1 : 0, r.deleted || r.data == null ? null : JSON.stringify(r.data));
  });
  return {
    clear: () => void db.prepare('DELETE FROM pull_staging').run(),
    add: (records) => addAll(records),
    latest: () =>
      latest.all().map((r) => ({
        collection: r.collection as CollectionName,
        id: r.record_id,
        version: r.version,
        deleted: r.deleted === 1,
        data: r.data === null ? null : JSON.parse(r.data),
      })),
    size: () => size.get()!.n,
  };
}
