import Fastify from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { insertCollectivite } from '../accounts/store.js';
import { openTestDb } from '../test-support.js';
import { purgeTombstones, resetCommuneSync, scheduleTombstonePurge } from './maintenance.js';
import { ensureCommuneSync, lockCommune, writeRecords } from './store.js';

describe('sync maintenance (sqlite)', () => {
  const disposers: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const d of disposers.splice(0)) await d();
  });

  async function communeWithTombstone(daysAgo: number) {
    const opened = await openTestDb('sqlite');
    disposers.push(opened.dispose);
    const commune = await insertCollectivite(opened.db, {
      kind: 'commune',
      insee: '10001',
      siren: '200000000',
      name: 'Test',
      arrondissement: null,
      members: [],
      services: ['electoral'],
    });
    await opened.db.transaction().execute(async (trx) => {
      await lockCommune(trx, commune.id);
      await writeRecords(trx, commune.id, 'electoral.demands', [
        { id: 'a', json: '{}' },
        { id: 'b', json: '{}' },
      ]);
      await writeRecords(trx, commune.id, 'electoral.demands', [{ id: 'a', json: null }]);
    });
    const old = new Date(Date.now() - daysAgo * 86_400_000).toISOString();
    await opened.db.updateTable('sync_records').set({ written_at: old }).where('commune_id', '=', commune.id).execute();
    return { db: opened.db, communeId: commune.id };
  }

  it('purges only tombstones past the retention and raises the horizon to the last one purged', async () => {
    const { db, communeId } = await communeWithTombstone(10);
    expect(await purgeTombstones(db, 90)).toEqual({ communes: 0, purged: 0 });
    expect(await purgeTombstones(db, 5)).toEqual({ communes: 1, purged: 1 });
    const rows = await db.selectFrom('sync_records').select(['id', 'deleted']).where('commune_id', '=', communeId).execute();
    expect(rows).toEqual([{ id: 'b', deleted: 0 }]);
    expect((await ensureCommuneSync(db, communeId)).purgedBelow).toBe(3);
  });

  it('runs the purge on a timer while the hub is up, and stops on close', async () => {
    const { db, communeId } = await communeWithTombstone(100);
    const app = Fastify();
    scheduleTombstonePurge(app, db, { everyMs: 20, retentionDays: 90 });
    await app.ready();
    for (let i = 0; i < 100 && (await ensureCommuneSync(db, communeId)).purgedBelow === 0; i++) await new Promise((r) => setTimeout(r, 20));
    await app.close();
    expect((await ensureCommuneSync(db, communeId)).purgedBelow).toBe(3);
  });

  it('a reset gives the commune a new epoch and keeps versions growing', async () => {
    const { db, communeId } = await communeWithTombstone(0);
    const before = await ensureCommuneSync(db, communeId);
    const epoch = await resetCommuneSync(db, communeId);
    const after = await ensureCommuneSync(db, communeId);
    expect(epoch).not.toBe(before.epoch);
    expect(after).toEqual({ ...before, epoch });
  });
});
