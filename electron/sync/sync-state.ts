import type Database from 'better-sqlite3';

/**
 * Small durable facts about this replica (`sync_state` table), JSON-encoded.
 * Callers decide the transaction: a cursor is only ever written in the same
 * transaction as the changes it covers.
 */
export interface SyncStateStore {
  get<T>(key: SyncStateKey): T | null;
  set(key: SyncStateKey, value: unknown): void;
  delete(key: SyncStateKey): void;
}

export type SyncStateKey =
  | 'epoch' // hub epoch the cursor belongs to
  | 'cursor' // last hub change sequence applied locally
  | 'last_mutation_id' // mutation id counter: only ever grows
  | 'last_success_at'
  | 'force_snapshot' // a rejected command left local state the hub never saw: re-lay the hub's copy
  | 'session' // hubUrl, user, commune, device (never the token)
  | 'replica_scope'; // commune + readable collections the local data belongs to

export function createSyncStateStore(db: Database.Database): SyncStateStore {
  const select = db.prepare<[string], { value: string }>('SELECT value FROM sync_state WHERE key = ?');
  const upsert = db.prepare('INSERT INTO sync_state (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value');
  const remove = db.prepare('DELETE FROM sync_state WHERE key = ?');
  return {
    get<T>(key: SyncStateKey): T | null {
      const row = select.get(key);
      return row === undefined ? null : (JSON.parse(row.value) as T);
    },
    set(key, value) {
      upsert.run(key, JSON.stringify(value));
    },
    delete(key) {
      remove.run(key);
    },
  };
}
