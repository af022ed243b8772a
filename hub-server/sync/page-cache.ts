/**
 * Gzipped snapshot pages (`format=columns`) kept in memory, so a second new PC of a commune (a reinstall,
 * two PCs set up the same day) is served its first sync without reading, parsing, encoding and compressing
 * the list again (35 000 electors: ≈ 0.6 s of hub CPU, 0.9 MB kept).
 *
 * A page is a pure function of its key: the commune, the exact collections the caller may read (from its
 * role and grants, re-read on every request: a session without a grant has another list, hence another key),
 * the query (asOf, after, limit) and the commune's sync state (epoch, last sequence). Every write to a
 * commune's records bumps its sequence in the same transaction (`writeRecords`, `landStaged`), and a reset
 * changes its epoch, so a page whose state key matches what the request has just read was built from the
 * records as they still are. Tombstone purges do not bump it, and need not: snapshots leave tombstones out.
 * Several hub instances each keep their own pages; the state comes from the shared database, so none serves
 * a stale one.
 */
export interface PageKey {
  communeId: string;
  collections: readonly string[];
  epoch: string;
  lastSeq: number;
  asOf: number;
  after: string | null;
  limit: number;
}

/** Default bound: about thirty large communes' first syncs. */
export const SNAPSHOT_CACHE_BYTES = 32 * 1024 * 1024;

export class SnapshotPageCache {
  private readonly pages = new Map<string, Buffer>();
  private bytes = 0;
  /** Pages served from memory (tests check the cache is used; the bench reports it). */
  hits = 0;

  constructor(private readonly maxBytes = SNAPSHOT_CACHE_BYTES) {}

  static keyOf(k: PageKey): string {
    return JSON.stringify([k.communeId, [...k.collections].sort(), k.epoch, k.lastSeq, k.asOf, k.after, k.limit]);
  }

  get(key: string): Buffer | undefined {
    const page = this.pages.get(key);
    if (page === undefined) return undefined;
    // Least recently used first: a page served moves to the end.
    this.pages.delete(key);
    this.pages.set(key, page);
    this.hits++;
    return page;
  }

  set(key: string, page: Buffer): void {
    if (page.length > this.maxBytes) return;
    const old = this.pages.get(key);
    if (old !== undefined) {
      this.pages.delete(key);
      this.bytes -= old.length;
    }
    this.pages.set(key, page);
    this.bytes += page.length;
    for (const [k, p] of this.pages) {
      if (this.bytes <= this.maxBytes) break;
      this.pages.delete(k);
      this.bytes -= p.length;
    }
  }

  /** Bytes held (at most the bound). */
  get size(): number {
    return this.bytes;
  }
}
