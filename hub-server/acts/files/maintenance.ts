import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import type { HubDatabase } from '../../db/schema.js';
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
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  const run = () => {
    running ??= purgeIncompleteUploads(db, { olderThanMs })
      .then((r) => {
        if (r.files > 0) app.log.info({ files: r.files, bytes: r.bytes, olderThanMs }, 'incomplete uploads purged');
      })
      .catch((err: unknown) => app.log.error({ err }, 'incomplete upload purge failed'))
      .finally(() => {
        running = undefined;
      });
  };
  app.addHook('onReady', async () => {
    timer = setInterval(run, everyMs);
    timer.unref();
  });
  app.addHook('onClose', async () => {
    clearInterval(timer);
    await running; // the database is closed after the app: let a purge in progress finish first
  });
}
