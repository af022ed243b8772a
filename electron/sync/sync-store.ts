import type Database from 'better-sqlite3';
import type { ErrorBody } from '../../shared/errors.js';
import type { RejectedChange } from '../../shared/sync/ipc.js';
import type { CollectionName } from '../../shared/sync/protocol.js';

/**
 * The one owner of the sync tables (`outbox`, `sync_state`, `rejected_changes`):
 * every statement on them is here, so what a row means and who may remove it is
 * read in one place. Nothing here opens a transaction: callers decide, because a
 * cursor is only ever written with the changes it covers, and an outbox row
 * with the domain row it describes.
 */
export interface SyncStore {
  state: SyncStateTable;
  outbox: OutboxTable;
  rejected: RejectedTable;
  /** Where the replica stands in the hub's change log. */
  position(): { epoch: string | null; cursor: number };
  /** Caller's transaction: the records this position covers are written in it. */
  setPosition(epoch: string, cursor: number): void;
  /** A change the hub refused left local state it never saw: the next pull lays the hub's copy down again. */
  snapshotForced(): boolean;
  setSnapshotForced(forced: boolean): void;
  lastSuccessAt(): string | null;
  setLastSuccessAt(at: string): void;
  /**
   * Forget what belongs to the previous replica (rejections, position, last success) when
   * it is cleared for another scope. The mutation counter stays: ids are never reused on
   * this installation, the hub would answer a reused id with the old stored result.
   */
  clearForNewScope(): void;
}

/** Small durable facts about this replica, JSON-encoded. */
export interface SyncStateTable {
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

/** One outbox row as stored; `entry` is JSON text, or gzip of it for a large pre-compressed command. */
export interface OutboxRow {
  mutation_id: number;
  entry: string | Buffer;
  summary: string;
  created_at: string;
  state: 'pending' | 'sent';
}

export interface OutboxTable {
  insert(row: {
    mutationId: number;
    kind: 'upsert' | 'delete' | 'command';
    collection: string | null;
    recordId: string | null;
    entry: string | Buffer;
    summary: string;
    createdAt: string;
  }): void;
  /** In mutation-id order: the hub must see changes in that order. */
  list(limit: number): OutboxRow[];
  listFor(collection: CollectionName, recordId: string): OutboxRow[];
  recordIds(collection: CollectionName): string[];
  count(): number;
  /** Queued commands named one of `names` (JSON entries; the large gzip-stored imports are not looked into). */
  countCommands(names: readonly string[]): number;
  markSent(mutationId: number): void;
  setEntry(mutationId: number, entryJson: string): void;
  remove(mutationId: number): void;
}

export interface RejectedTable {
  list(): RejectedChange[];
  /**
   * Replaces an earlier refusal of the same mutation (a batch answered again after a crash).
   * The reason is stored as the hub worded it and read back as an ErrorBody.
   */
  add(change: Omit<RejectedChange, 'reason'> & { reason: { code: string; message: string; detail?: string } }, at: string): void;
  dismiss(mutationId: number): void;
}

export function createSyncStore(db: Database.Database): SyncStore {
  const state = stateTable(db);
  const rejected = rejectedTable(db);
  return {
    state,
    outbox: outboxTable(db),
    rejected,
    position: () => ({ epoch: state.get<string>('epoch'), cursor: state.get<number>('cursor') ?? 0 }),
    setPosition(epoch, cursor) {
      state.set('epoch', epoch);
      state.set('cursor', cursor);
    },
    snapshotForced: () => state.get<boolean>('force_snapshot') === true,
    setSnapshotForced: (forced) => (forced ? state.set('force_snapshot', true) : state.delete('force_snapshot')),
    lastSuccessAt: () => state.get<string>('last_success_at'),
    setLastSuccessAt: (at) => state.set('last_success_at', at),
    clearForNewScope() {
      rejected.clear();
      for (const key of ['epoch', 'cursor', 'force_snapshot', 'last_success_at'] as const) state.delete(key);
    },
  };
}

function stateTable(db: Database.Database): SyncStateTable {
  const select = db.prepare<[string], { value: string }>('SELECT value FROM sync_state WHERE key = ?');
  const upsert = db.prepare('INSERT INTO sync_state (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value');
  const remove = db.prepare('DELETE FROM sync_state WHERE key = ?');
  return {
    get<T>(key: SyncStateKey): T | null {
      const row = select.get(key);
      return row === undefined ? null : (JSON.parse(row.value) as T);
    },
    set: (key, value) => void upsert.run(key, JSON.stringify(value)),
    delete: (key) => void remove.run(key),
  };
}

function outboxTable(db: Database.Database): OutboxTable {
  const insert = db.prepare(
    'INSERT INTO outbox (mutation_id, kind, collection, record_id, entry, summary, created_at, state) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
  );
  const selectAll = db.prepare<[number], OutboxRow>(
    'SELECT mutation_id, entry, summary, created_at, state FROM outbox ORDER BY mutation_id LIMIT ?',
  );
  const selectFor = db.prepare<[string, string], OutboxRow>(
    'SELECT mutation_id, entry, summary, created_at, state FROM outbox WHERE collection = ? AND record_id = ? ORDER BY mutation_id',
  );
  const selectIds = db.prepare<[string], { record_id: string }>('SELECT DISTINCT record_id FROM outbox WHERE collection = ?');
  const countAll = db.prepare<[], { n: number }>('SELECT count(*) AS n FROM outbox');
  const countNamed = db.prepare<[string], { n: number }>(
    "SELECT count(*) AS n FROM outbox WHERE kind = 'command' AND typeof(entry) = 'text' AND json_extract(entry, '$.name') IN (SELECT value FROM json_each(?))",
  );
  const setSent = db.prepare("UPDATE outbox SET state = 'sent' WHERE mutation_id = ?");
  const setEntry = db.prepare('UPDATE outbox SET entry = ? WHERE mutation_id = ?');
  const remove = db.prepare('DELETE FROM outbox WHERE mutation_id = ?');
  return {
    insert: (r) => void insert.run(r.mutationId, r.kind, r.collection, r.recordId, r.entry, r.summary, r.createdAt, 'pending'),
    list: (limit) => selectAll.all(limit),
    listFor: (collection, recordId) => selectFor.all(collection, recordId),
    recordIds: (collection) => selectIds.all(collection).map((r) => r.record_id),
    count: () => countAll.get()!.n,
    countCommands: (names) => (names.length === 0 ? 0 : countNamed.get(JSON.stringify(names))!.n),
    markSent: (id) => void setSent.run(id),
    setEntry: (id, entryJson) => void setEntry.run(entryJson, id),
    remove: (id) => void remove.run(id),
  };
}

function rejectedTable(db: Database.Database): RejectedTable & { clear(): void } {
  const select = db.prepare<
    [],
    { mutation_id: number; collection: string | null; record_id: string | null; summary: string; reason: string }
  >('SELECT mutation_id, collection, record_id, summary, reason FROM rejected_changes ORDER BY mutation_id');
  const insert = db.prepare(
    'INSERT OR REPLACE INTO rejected_changes (mutation_id, collection, record_id, summary, reason, rejected_at) VALUES (?, ?, ?, ?, ?, ?)',
  );
  const remove = db.prepare('DELETE FROM rejected_changes WHERE mutation_id = ?');
  const removeAll = db.prepare('DELETE FROM rejected_changes');
  return {
    list: () =>
      select.all().map((r) => ({
        mutationId: r.mutation_id,
        collection: r.collection as CollectionName | null,
        recordId: r.record_id,
        summary: r.summary,
        reason: JSON.parse(r.reason) as ErrorBody,
      })),
    add: (c, at) => void insert.run(c.mutationId, c.collection, c.recordId, c.summary, JSON.stringify(c.reason), at),
    dismiss: (id) => void remove.run(id),
    clear: () => void removeAll.run(),
  };
}
