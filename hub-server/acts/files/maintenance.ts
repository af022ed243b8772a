import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import type { HubDatabase } from '../../db/schema.js';
import { schedulePeriodicJob } from '../../periodic-job.js';
import { INCOMPLETE_UPLOAD_TTL_MS, purgeIncompleteUploads } from './store.js';

export interface IncompleteUploadPurgeSchedule {
  /** How often to purge (default every hour); the first run comes one period after start. */
  everyMs?: number;
  /** Age after its first bytes at which an unfinished upload is dropped (default 48 h). */
  ttlMs?: number;
}

/**
 * Purge abandoned uploads periodically while the hub runs (timer unref'd, stopped on close),
 * like the tombstone purge (sync/maintenance.ts): a refused or forgotten upload does not keep
 * its bytes on the hub, nor count against its collectivité's quota, for ever.
 */
export function scheduleIncompleteUploadPurge(
  app: FastifyInstance,
  db: Kysely<HubDatabase>,
  schedule: IncompleteUploadPurgeSchedule = {},
): void {
  const everyMs = schedule.everyMs ?? 3_600_000;
  const olderThanMs = schedule.ttlMs ?? INCOMPLETE_UPLOAD_TTL_MS;
  schedulePeriodicJob(app, {
    name: 'incomplete upload purge',
    everyMs,
    run: async () => {
      const r = await purgeIncompleteUploads(db, { olderThanMs });
      if (r.files > 0) app.log.info({ files: r.files, bytes: r.bytes, olderThanMs }, 'incomplete uploads purged');
    },
  });
}
