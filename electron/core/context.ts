import type { ColumnBlock } from '../../shared/sync/columns.js';
import type { CollectionName, SyncRecord } from '../../shared/sync/protocol.js';

/**
 * How a domain's local table receives what the hub sends. The sync engine
 * calls these inside its own transaction; they must be synchronous.
 */
export interface LocalCollection {
  name: CollectionName;
  /** Write a hub record (upsert, or delete when `record.deleted`), keeping `record.version`. */
  apply(record: SyncRecord): void;
  /** Number of live local rows (for the mass-deletion fail-safe). */
  count(): number;
  /** Remove every local row (before a snapshot is laid down, in the same transaction). */
  clear(): void;
  /**
   * Optional bulk path for a snapshot: writes these live records into the table `clear()` just emptied,
   * each checked as `apply` checks it (a malformed one is skipped, never written). Without it, `apply` per record.
   */
  load?(records: readonly SyncRecord[]): void;
  /**
   * Optional bulk path from a snapshot's blocks of this collection (shared/sync/columns.ts, in page order),
   * called when every live record of it came in a block: the same rows as `load(records of these blocks)`,
   * without building a record per row.
   */
  loadColumns?(blocks: readonly ColumnBlock[]): void;
}

/** A change queued for the hub, written in the same transaction as the domain row it describes. */
export type OutboxEntry =
  | { kind: 'upsert'; collection: CollectionName; recordId: string; baseVersion: number | null; data: unknown; summary: string }
  | { kind: 'delete'; collection: CollectionName; recordId: string; baseVersion: number; summary: string }
  | { kind: 'command'; name: string; payload: unknown; summary: string };

export interface Outbox {
  /** Must be called inside a `db.transaction` that also writes the domain row. Returns the mutationId. */
  enqueue(entry: OutboxEntry): number;
  /**
   * Same as enqueuing `{ kind: 'command', name, payload: JSON.parse(payloadJson), summary }`, with the
   * payload already serialised: a 100 000-elector import prepares its ~50 MB of JSON off the main
   * thread, so the import transaction does not stringify it again. `payloadJson` may also come as
   * gzip members whose concatenation decompresses to the JSON text: the entry is then stored
   * compressed (~6 MB instead of ~50 MB for that import). Read back like any other entry.
   */
  enqueueCommandJson(command: { name: string; payloadJson: string | Uint8Array[]; summary: string }): number;
  /** Record ids of `collection` that have a change not yet acknowledged by the hub. */
  pendingIds(collection: CollectionName): Set<string>;
}
