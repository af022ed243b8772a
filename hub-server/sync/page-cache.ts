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
 *
 * Serving page n, the hub also builds page n+1 (routes.ts): the PC asks for it as soon as page n has
 * arrived, and finds it built, or being built, while page n was travelling. A PC that stops there leaves
 * one unused page in memory; behind a load balancer, the next ask may reach another instance, which builds
 * its own.
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

/** A gzipped page and where the snapshot goes on after it (the next page's `after`, null on the last). */
export interface KeptPage {
  body: Buffer;
  asOf: number;
  next: string | null;
}

export class SnapshotPageCache {
  private readonly pages = new Map<string, KeptPage>();
  /** Pages being built (asked, or read ahead): a second ask waits for the same build instead of starting one. */
  private readonly building = new Map<string, Promise<KeptPage>>();
  private bytes = 0;
  /** Pages served from memory or from a build already under way (tests check the cache is used; the bench reports it). */
  hits = 0;

  constructor(private readonly maxBytes = SNAPSHOT_CACHE_BYTES) {}

  static keyOf(k: PageKey): string {
    return JSON.stringify([k.communeId, [...k.collections].sort(), k.epoch, k.lastSeq, k.asOf, k.after, k.limit]);
  }

  /** The page at `key`: kept, being built, or built now by `build` (and kept). */
  async page(key: string, build: () => Promise<KeptPage>): Promise<KeptPage> {
    const kept = this.get(key);
    if (kept !== undefined) return kept;
    const underWay = this.building.get(key);
    if (underWay !== undefined) {
      this.hits++;
      return underWay;
    }
    const built = build()
      .then((page) => {
        this.set(key, page);
        return page;
      })
      .finally(() => this.building.delete(key));
    this.building.set(key, built);
    return built;
  }

  /** Builds the page at `key` in the background unless it is kept or under way: a read-ahead, not a hit. */
  prefetch(key: string, build: () => Promise<KeptPage>): void {
    if (this.pages.has(key) || this.building.has(key)) return;
    this.page(key, build).catch(() => undefined); // the PC's own ask builds it again and answers the error
  }

  /** Resolves once no page is being built (tests wait for a read-ahead with it). */
  async settled(): Promise<void> {
    while (this.building.size > 0) await Promise.allSettled([...this.building.values()]);
  }

  get(key: string): KeptPage | undefined {
    const page = this.pages.get(key);
    if (page === undefined) return undefined;
    // Least recently used first: a page served moves to the end.
    this.pages.delete(key);
    this.pages.set(key, page);
    this.hits++;
    return page;
  }

  set(key: string, page: KeptPage): void {
    if (page.body.length > this.maxBytes) return;
    const old = this.pages.get(key);
    if (old !== undefined) {
      this.pages.delete(key);
      this.bytes -= old.body.length;
    }
    this.pages.set(key, page);
    this.bytes += page.body.length;
    for (const [k, p] of this.pages) {
      if (this.bytes <= this.maxBytes) break;
      this.pages.delete(k);
      this.bytes -= p.body.length;
    }
  }

  /** Bytes held (at most the bound). */
  get size(): number {
    return this.bytes;
  }
}
