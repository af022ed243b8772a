import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { HUB_ROUTES } from '../../shared/api/hub.js';
import type { SyncRecord } from '../../shared/sync/protocol.js';
import type { TestHub } from '../test-support.js';

/** The 8 real EDIGEO sheets of Luxiol (25354), copied in test/fixtures/cadastre (open data). */
export const LUXIOL_DIR = join(import.meta.dirname, '../../test/fixtures/cadastre/edigeo-25354');
export const LUXIOL_SHEETS = readdirSync(LUXIOL_DIR)
  .filter((f) => f.endsWith('.tar.bz2'))
  .sort()
  .map((f) => join(LUXIOL_DIR, f));

/** Every change a device's token pulls from cursor 0 (all pages), latest state per record. */
export async function pullAll(hub: TestHub, token: string): Promise<Map<string, SyncRecord>> {
  const out = new Map<string, SyncRecord>();
  let cursor = 0;
  for (;;) {
    const res = await hub.app.inject({
      method: 'GET',
      url: `${HUB_ROUTES.syncPull.path}?cursor=${cursor}&limit=5000`,
      headers: { authorization: `Bearer ${token}` },
    });
    if (res.statusCode !== 200) throw new Error(`pull ${res.statusCode} ${res.body}`);
    const body = res.json() as { changes: SyncRecord[]; cursor: number; hasMore: boolean };
    for (const c of body.changes) out.set(`${c.collection}/${c.id}`, c);
    cursor = body.cursor;
    if (!body.hasMore) return out;
  }
}

/** The live records of one collection in a pull. */
export function live(records: Map<string, SyncRecord>, collection: string): SyncRecord[] {
  return [...records.values()].filter((r) => r.collection === collection && !r.deleted);
}
