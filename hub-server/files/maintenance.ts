import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import type { DomainRegistry } from '../../shared/domain/registry.js';
import type { HubDatabase } from '../db/schema.js';
import { schedulePeriodicJob } from '../periodic-job.js';
import { lockCommune } from '../sync/store.js';
import type { FileLimits } from './routes.js';
import { expireUnreferencedFiles, type FileRetention, INCOMPLETE_UPLOAD_TTL_MS, purgeIncompleteUploads } from './store.js';

/** Limits and upkeep of the files module (the hub's `files` option): quota per collectivité, timers (false: none, for tests). */
export interface FilesOptions extends FileLimits {
  purge?: IncompleteUploadPurgeSchedule | false;
}

export interface IncompleteUploadPurgeSchedule {
  /** How often to purge (default every hour); the first run comes one period after start. */
  everyMs?: number;
  /** Age after its first bytes at which an unfinished upload is dropped (default 48 h). */
  ttlMs?: number;
}

/**
 * The retention rules of the registry's domains: `fileRetentionDays` of each domain's declaration,
 * and the files its collections' records name (`files` of each collection), read from the live
 * records of the collectivité. Generic: no domain is named here.
 */
export function retentionOf(registry: DomainRegistry): FileRetention {
  const retentionDays = new Map<string, number>();
  for (const d of registry.domains) if (d.fileRetentionDays !== undefined) retentionDays.set(d.id, d.fileRetentionDays);
  return {
    retentionDays,
    async referenced(trx, communeId, domain) {
      const named = new Set<string>();
      // Under the sync's lock of the collectivité: a push naming a file lands wholly before or after.
      await lockCommune(trx, communeId);
      const names = Object.keys(registry.domains.find((d) => d.id === domain)?.collections ?? {});
      for (const name of names) {
        const collection = registry.collection(name);
        if (!collection?.files) continue;
        const rows = await trx
          .selectFrom('sync_records')
          .select('data')
          .where('commune_id', '=', communeId)
          .where('collection', '=', collection.name)
          .where('deleted', '=', 0)
          .execute();
        for (const r of rows) {
          if (r.data === null) continue;
          const parsed = collection.schema.safeParse(JSON.parse(r.data));
          // A record that no longer parses keeps every file it may name: look for hashes in its text.
          if (!parsed.success) for (const m of r.data.matchAll(/[0-9a-f]{64}/g)) named.add(m[0]);
          else for (const sha of collection.files(parsed.data as never)) named.add(sha);
        }
      }
      return named;
    },
  };
}

/**
 * The files module's upkeep while the hub runs (timer unref'd, stopped on close), like the
 * tombstone purge (sync/maintenance.ts): abandoned uploads are dropped after 48 h (a refused or
 * forgotten upload does not keep its bytes, nor count against its collectivité's quota, for ever),
 * and complete files of a domain with a retention that no record names any more are expired.
 */
export function scheduleFilesMaintenance(
  app: FastifyInstance,
  db: Kysely<HubDatabase>,
  registry: DomainRegistry,
  schedule: IncompleteUploadPurgeSchedule = {},
): void {
  const everyMs = schedule.everyMs ?? 3_600_000;
  const olderThanMs = schedule.ttlMs ?? INCOMPLETE_UPLOAD_TTL_MS;
  const retention = retentionOf(registry);
  schedulePeriodicJob(app, {
    name: 'files upkeep',
    everyMs,
    run: async () => {
      const r = await purgeIncompleteUploads(db, { olderThanMs });
      if (r.files > 0) app.log.info({ files: r.files, bytes: r.bytes, olderThanMs }, 'incomplete uploads purged');
      const e = await expireUnreferencedFiles(db, retention);
      if (e.files > 0) app.log.info({ files: e.files, bytes: e.bytes }, 'unreferenced files past retention expired');
    },
  });
}
