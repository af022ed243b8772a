import type Database from 'better-sqlite3';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { CollectionName, Mutation } from '../../shared/sync/protocol.js';
import type { Outbox, OutboxEntry } from '../core/context.js';
import { createSyncStore, type OutboxRow } from './sync-store.js';

/** One queued change as stored. */
export interface QueuedChange {
  mutationId: number;
  entry: OutboxEntry;
  summary: string;
  createdAt: string;
  state: 'pending' | 'sent';
}

/** The outbox as the sync engine sees it (domains only get `Outbox`). */
export interface SyncOutbox extends Outbox {
  /** Every queued change in mutation-id order (the hub must see them in that order). */
  list(limit?: number): QueuedChange[];
  count(): number;
  /** Whether a command named one of `names` waits for the hub's acknowledgement (busy work, core/busy.ts). */
  holdsCommand(names: readonly string[]): boolean;
  /** Queued changes of one record, in mutation order. */
  entriesFor(collection: CollectionName, recordId: string): QueuedChange[];
  markSent(mutationIds: number[]): void;
  /** Caller's transaction: the hub's answer and the removal commit together. */
  remove(mutationId: number): void;
  /** Caller's transaction: later changes to a record are rebased on the version the hub gave the previous one. */
  replaceEntry(mutationId: number, entry: OutboxEntry): void;
}

export function toMutation(change: QueuedChange): Mutation {
  const e = change.entry;
  switch (e.kind) {
    case 'upsert':
      return {
        mutationId: change.mutationId,
        kind: 'upsert',
        collection: e.collection,
        recordId: e.recordId,
        baseVersion: e.baseVersion,
        data: e.data,
      };
    case 'delete':
      return { mutationId: change.mutationId, kind: 'delete', collection: e.collection, recordId: e.recordId, baseVersion: e.baseVersion };
    case 'command':
      return { mutationId: change.mutationId, kind: 'command', name: e.name, payload: e.payload };
  }
}

export function createOutbox(db: Database.Database, now: () => Date): SyncOutbox {
  const store = createSyncStore(db);
  const rows = store.outbox;

  const fromRow = (r: OutboxRow): QueuedChange => ({
    mutationId: r.mutation_id,
    entry: JSON.parse(typeof r.entry === 'string' ? r.entry : gunzipSync(r.entry).toString('utf8')) as OutboxEntry,
    summary: r.summary,
    createdAt: r.created_at,
    state: r.state,
  });

  function append(
    kind: OutboxEntry['kind'],
    collection: string | null,
    recordId: string | null,
    entry: string | Buffer,
    summary: string,
  ): number {
    // Outside a transaction the domain row and its outbox row could be split by
    // a crash: a change shown on screen but never sent. Refuse loudly.
    if (!db.inTransaction) throw new Error('outbox.enqueue must run inside the transaction that writes the domain row');
    // The counter lives in sync_state, not in MAX(mutation_id): rows are deleted once
    // acknowledged and the hub would answer a reused id with the old stored result.
    const mutationId = (store.state.get<number>('last_mutation_id') ?? 0) + 1;
    store.state.set('last_mutation_id', mutationId);
    rows.insert({ mutationId, kind, collection, recordId, entry, summary, createdAt: now().toISOString() });
    return mutationId;
  }

  return {
    enqueue(entry) {
      const collection = entry.kind === 'command' ? null : entry.collection;
      const recordId = entry.kind === 'command' ? null : entry.recordId;
      return append(entry.kind, collection, recordId, JSON.stringify(entry), entry.summary);
    },
    enqueueCommandJson({ name, payloadJson, summary }) {
      // The stored text is what JSON.stringify gives for the same command entry (same keys, same order).
      const head = `{"kind":"command","name":${JSON.stringify(name)},"payload":`;
      const tail = `,"summary":${JSON.stringify(summary)}}`;
      if (typeof payloadJson === 'string') return append('command', null, null, head + payloadJson + tail, summary);
      // Gzip members concatenated decompress as one text: the stored blob is gzip of the same JSON.
      const entry = Buffer.concat([gzipSync(head, { level: 1 }), ...payloadJson, gzipSync(tail, { level: 1 })]);
      return append('command', null, null, entry, summary);
    },
    pendingIds: (collection) => new Set(rows.recordIds(collection)),
    list: (limit = 1_000_000) => rows.list(limit).map(fromRow),
    count: () => rows.count(),
    holdsCommand: (names) => rows.countCommands(names) > 0,
    entriesFor: (collection, recordId) => rows.listFor(collection, recordId).map(fromRow),
    markSent(ids) {
      db.transaction(() => {
        for (const id of ids) rows.markSent(id);
      })();
    },
    remove: (id) => rows.remove(id),
    replaceEntry: (id, entry) => rows.setEntry(id, JSON.stringify(entry)),
  };
}
