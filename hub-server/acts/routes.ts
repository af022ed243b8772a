import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { ACTS_HUB_ROUTES } from '../../shared/acts/hub-routes.js';
import { GuichetError } from '../../shared/errors.js';
import { assertPermission, assertService, requireAuth } from '../accounts/auth.js';
import { parseRequest } from '../contract.js';
import type { HubDatabase } from '../db/schema.js';
import { readActArchive } from './archives.js';
import { registerActesCommands } from './commands.js';
import { scheduleIncompleteUploadPurge, type IncompleteUploadPurgeSchedule } from './files/maintenance.js';
import { registerFileRoutes, type FileLimits } from './files/routes.js';

/** Limits of the file store: quota per collectivité, expiry of abandoned uploads (false: no timer, for tests). */
export interface ActsFilesOptions extends FileLimits {
  purge?: IncompleteUploadPurgeSchedule | false;
}

/** HTTP side of the legality-control service: files, the audit archive, and the sync commands. */
export async function registerActsRoutes(app: FastifyInstance, opts: { db: Kysely<HubDatabase>; files?: ActsFilesOptions }): Promise<void> {
  const { db } = opts;
  registerActesCommands();
  if (opts.files?.purge !== false) scheduleIncompleteUploadPurge(app, db, opts.files?.purge);
  await app.register(async (scope) => {
    registerFileRoutes(scope, db, opts.files);
    scope.get(ACTS_HUB_ROUTES.actArchive.path, async (request, reply) => {
      const auth = requireAuth(request);
      assertService(auth, 'acts');
      assertPermission(auth, 'acts.read');
      const { id } = parseRequest(ACTS_HUB_ROUTES.actArchive, request).params;
      // Another commune's act answers like an unknown one.
      const found = /^[0-9a-f-]{36}$/i.test(id) ? await readActArchive(db, id, auth.communeId) : null;
      if (!found) throw new GuichetError('not_found', 'Aucune archive transmise pour cet acte.', 'no archive');
      return reply
        .header('content-type', 'application/gzip')
        .header('content-disposition', `attachment; filename="${found.name}"`)
        .send(found.archive);
    });
  });
}
