import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { TOMBSTONE_RETENTION_DAYS } from '../../shared/sync/protocol.js';
import { toCount } from '../db/dialect.js';
import type { HubDatabase } from '../db/schema.js';
import { schedulePeriodicJob } from '../periodic-job.js';
import { ensureCommuneSync, lockCommune, newEpoch, sweepStaged } from './store.js';

/**
 * Delete tombstones written more than `olderThanDays` ago and raise each
 * commune's `purged_below` to the highest version purged: a client whose
 * cursor is below it may have missed a deletion and must resync.
 */
export async function purgeTombstones(
  db: Kysely<HubDatabase>,
  olderThanDays: number,
  now: Date = new Date(),
): Promise<{ communes: number; purged: number }> {
  const cutoff = new Date(now.getTime() - olderThanDays * 86_400_000).toISOString();
  const horizons = await db
    .selectFrom('sync_records')
    .select(['commune_id', (eb) => eb.fn.max('version').as('max_version')])
    .where('deleted', '=', 1)
    .where('written_at', '<', cutoff)
    .groupBy('commune_id')
    .execute();
  let purged = 0;
  for (const h of horizons) {
    const horizon = toCount(h.max_version);
    purged += await db.transaction().execute(async (trx) => {
      const state = await lockCommune(trx, h.commune_id);
      // Every tombstone up to the horizon goes (they are all older: versions grow with time).
      const res = await trx
        .deleteFrom('sync_records')
        .where('commune_id', '=', h.commune_id)
        .where('deleted', '=', 1)
        .where('version', '<=', horizon)
        .executeTakeFirst();
      if (horizon > state.purgedBelow)
        await trx.updateTable('commune_sync').set({ purged_below: horizon }).where('commune_id', '=', h.commune_id).execute();
      return Number(res.numDeletedRows);
    });
  }
  return { communes: horizons.length, purged };
}

/** Admin: give the commune a new epoch, so every client lays down a fresh snapshot. Answers the new epoch. */
export async function resetCommuneSync(db: Kysely<HubDatabase>, communeId: string): Promise<string> {
  await ensureCommuneSync(db, communeId);
  const epoch = newEpoch();
  await db.updateTable('commune_sync').set({ epoch }).where('commune_id', '=', communeId).execute();
  return epoch;
}

export interface TombstonePurgeSchedule {
  /** How often to purge (default every 6 hours); the first run comes one period after start. */
  everyMs?: number;
  retentionDays?: number;
}

/**
 * Purge tombstones periodically while the hub runs (timer unref'd, stopped
 * on close), so the change log does not grow forever with deletions.
 */
export function scheduleTombstonePurge(app: FastifyInstance, db: Kysely<HubDatabase>, schedule: TombstonePurgeSchedule = {}): void {
  const everyMs = schedule.everyMs ?? 6 * 3_600_000;
  const retentionDays = schedule.retentionDays ?? TOMBSTONE_RETENTION_DAYS;
  schedulePeriodicJob(app, {
    name: 'tombstone purge',
    everyMs,
    run: async () => {
      const r = await purgeTombstones(db, retentionDays);
      // Stages a crash left behind mid-import (never landed, never read): an hour is far longer than any import.
      const stages = await sweepStaged(db, new Date(Date.now() - 3_600_000).toISOString());
      if (stages > 0) app.log.info({ rows: stages }, 'abandoned import stages swept');
      if (r.purged > 0) app.log.info({ communes: r.communes, purged: r.purged, retentionDays }, 'tombstones purged');
    },
  });
}
