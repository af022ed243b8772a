import type { Logger } from 'pino';
import { type ColumnBlock, recordsOfBlock } from '../../shared/sync/columns.js';
import type { CollectionName, SyncRecord } from '../../shared/sync/protocol.js';
import type { LocalCollection } from '../core/context.js';
import type { SyncOutbox } from './outbox.js';
import type { SnapshotPage } from './staging.js';

/**
 * The local tables as the sync engine sees them: only through the domains'
 * `LocalCollection`, so the sync core never knows which domains it carries.
 * Every method runs in the caller's transaction.
 */
export interface LocalReplica {
  collections: ReadonlyMap<CollectionName, LocalCollection>;
  /** Writes a hub record into its collection's table (a collection this client does not hold is logged and skipped). */
  apply(record: SyncRecord): void;
  clearAll(): void;
  /**
   * Lays a snapshot's pages into the emptied tables: from the blocks' columns where the collection can
   * (every live record of it came in a block), else in bulk from records where it can, else one by one.
   */
  load(pages: readonly SnapshotPage[]): void;
  /** Lays the queued changes back over hub data, so the screen keeps showing what the user did. */
  reapplyPending(): void;
}

export function createLocalReplica(collections: LocalCollection[], outbox: SyncOutbox, log: Logger): LocalReplica {
  const byName = new Map<CollectionName, LocalCollection>(collections.map((c) => [c.name, c]));

  function apply(record: SyncRecord): void {
    const collection = byName.get(record.collection);
    if (collection) collection.apply(record);
    else log.warn({ collection: record.collection }, 'record of a collection this client does not hold');
  }

  /** The blocks of each collection that loads columns and got no live record outside a block. */
  function columnarLoads(pages: readonly SnapshotPage[]): Map<LocalCollection, ColumnBlock[]> {
    const plain = new Set<string>();
    for (const p of pages) for (const r of p.records) if (!r.deleted) plain.add(r.collection);
    const out = new Map<LocalCollection, ColumnBlock[]>();
    for (const p of pages)
      for (const b of p.blocks) {
        const c = byName.get(b.collection);
        if (!c?.loadColumns || plain.has(b.collection)) continue;
        const group = out.get(c);
        if (group) group.push(b);
        else out.set(c, [b]);
      }
    return out;
  }

  return {
    collections: byName,
    apply,
    clearAll() {
      for (const c of byName.values()) c.clear();
    },
    load(pages) {
      const columnar = columnarLoads(pages);
      const records = pages.flatMap((p) => [
        ...p.blocks.flatMap((b) => (columnar.has(byName.get(b.collection)!) ? [] : recordsOfBlock(b))),
        ...p.records,
      ]);
      const bulk = new Map<LocalCollection, SyncRecord[]>();
      for (const r of records) {
        const c = byName.get(r.collection);
        if (c?.load && !r.deleted) {
          const group = bulk.get(c);
          if (group) group.push(r);
          else bulk.set(c, [r]);
        } else apply(r);
      }
      for (const [c, group] of bulk) c.load!(group);
      for (const [c, blocks] of columnar) c.loadColumns!(blocks);
    },
    reapplyPending() {
      for (const { entry: e } of outbox.list()) {
        if (e.kind === 'upsert')
          apply({ collection: e.collection, id: e.recordId, version: e.baseVersion ?? 0, deleted: false, data: e.data });
        else if (e.kind === 'delete')
          apply({ collection: e.collection, id: e.recordId, version: e.baseVersion, deleted: true, data: null });
      }
    },
  };
}
