/**
 * Sync tables. `version` and sequence columns are bigint in PostgreSQL
 * (openHubDb parses int8 as numbers; store.ts normalises anyway) and integer
 * in SQLite. Booleans are 0/1 integers, timestamps ISO text, like accounts.
 */
export interface SyncRecordsTable {
  commune_id: string;
  collection: string;
  id: string;
  /** The commune's change sequence number at the record's last write. */
  version: number;
  /** 1 = tombstone (data is null). */
  deleted: number;
  /** JSON text of the record, null on tombstones. */
  data: string | null;
  written_at: string;
}

export interface CommuneSyncTable {
  commune_id: string;
  /** Random; changes when the commune's sync history is reset, forcing every client to resync. */
  epoch: string;
  /** Last version handed out for this commune. */
  last_seq: number;
  /** Tombstones with a version at or below this may be purged: older cursors must resync. */
  purged_below: number;
}

export interface DeviceMutationsTable {
  device_id: string;
  mutation_id: number;
  commune_id: string;
  /** JSON of the PushResult answered (again, on retries). */
  result: string;
  applied_at: string;
}

/** A large command's writes waiting for its transaction (migration 017): `ord` orders them, data null = tombstone. */
export interface SyncStagingTable {
  stage_id: string;
  ord: number;
  id: string;
  data: string | null;
  created_at: string;
}

export interface SyncTables {
  sync_records: SyncRecordsTable;
  sync_staging: SyncStagingTable;
  commune_sync: CommuneSyncTable;
  device_mutations: DeviceMutationsTable;
}
