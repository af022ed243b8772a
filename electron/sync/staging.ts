import { type ColumnBlock, recordsOfBlock } from '../../shared/sync/columns.js';
import type { CollectionName, SyncRecord } from '../../shared/sync/protocol.js';

/**
 * Pulled records waiting to be applied. The local tables and the cursor only
 * change later, in one transaction, so a crash mid-pull leaves the replica
 * exactly as it was and the next cycle simply pulls again from the stored
 * cursor. Staging therefore needs no durability and lives in memory: writing
 * it to SQLite (as the first version did, in `pull_staging`, dropped by
 * migration 5) cost a JSON round trip per record, about a second for a
 * 35 000-elector first sync.
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

export function createPullStaging(): PullStaging {
  // Insertion order of a Map is the order of first insertion: a record staged again
  // (a later version on a later page) is deleted and re-set so it moves to its new
  // place in hub order.
  let byKey = new Map<string, SyncRecord>();
  let count = 0;
  const keyOf = (r: SyncRecord) => `${r.collection}\u0000${r.id}`;
  return {
    clear() {
      byKey = new Map();
      count = 0;
    },
    add(records) {
      for (const r of records) {
        const key = keyOf(r);
        byKey.delete(key);
        byKey.set(key, r);
      }
      count += records.length;
    },
    latest(collection) {
      const all = [...byKey.values()];
      return collection === undefined ? all : all.filter((r) => r.collection === collection);
    },
    tombstones(collection) {
      return [...byKey.values()].filter((r) => r.collection === collection && r.deleted);
    },
    size: () => count,
  };
}

/** A snapshot page as the PC keeps it: its blocks still in columns (shared/sync/columns.ts), then its plain records. */
export interface SnapshotPage {
  blocks: readonly ColumnBlock[];
  records: readonly SyncRecord[];
}

export interface SnapshotStaging extends PullStaging {
  addPage(page: SnapshotPage): void;
  /** The pages in the order they came; `latest()` is their records, each page's blocks first. */
  pages(): readonly SnapshotPage[];
}

/**
 * A snapshot's pages, staged as they come: keyset pages by (collection, id) hold each live record once,
 * so there is nothing to supersede and no key to build per record (35 000 electors: a Map of string
 * keys cost as much as decoding them). A record sent twice all the same is left to the collections,
 * which keep its first copy (bulk load) or the last (record by record) as they would in a pull.
 * Blocks stay in columns: a collection that loads columns never needs a record per row; the records
 * are built only when asked for (`latest`, the fail-safe's trial, a collection without `loadColumns`).
 */
export function createSnapshotStaging(): SnapshotStaging {
  let pages: SnapshotPage[] = [];
  let count = 0;
  const mine = <T extends { collection: string }>(items: readonly T[], collection: CollectionName | undefined) =>
    collection === undefined ? items : items.filter((x) => x.collection === collection);
  const addPage = (page: SnapshotPage) => {
    pages.push(page);
    count += page.records.length + page.blocks.reduce((n, b) => n + b.ids.length, 0);
  };
  return {
    clear() {
      pages = [];
      count = 0;
    },
    add: (records) => addPage({ blocks: [], records }),
    addPage,
    pages: () => pages,
    latest: (collection) => pages.flatMap((p) => [...mine(p.blocks, collection).flatMap(recordsOfBlock), ...mine(p.records, collection)]),
    tombstones: (collection) => pages.flatMap((p) => p.records.filter((r) => r.collection === collection && r.deleted)),
    size: () => count,
  };
}
