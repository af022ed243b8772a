import type { FastifyInstance } from 'fastify';
import { ACT_FILE_MAX_BYTES, ACTS_HUB_ROUTES } from '../../shared/acts/hub-routes.js';
import { actsDomain } from '../../shared/acts/domain.js';
import { GuichetError } from '../../shared/errors.js';
import { requireAuth } from '../accounts/auth.js';
import { parseRequest } from '../contract.js';
import { assertMayUse } from '../domain/access.js';
import type { HubDomainContext } from '../domain/hub-domain.js';
import { readActArchive } from './archives.js';
import { registerFileRoutes } from '../files/routes.js';
import { trustListDocument } from './trust-list.js';

/** HTTP side of the legality-control service: files and the audit archive (its commands go through the sync push). */
export async function registerActsRoutes(app: FastifyInstance, { db, registry, build }: HubDomainContext): Promise<void> {
  const routes = ACTS_HUB_ROUTES;
  registerFileRoutes(
    app,
    db,
    registry,
    {
      domain: actsDomain,
      routes: { status: routes.fileStatus, upload: routes.fileUpload, download: routes.fileDownload },
      maxBytes: ACT_FILE_MAX_BYTES,
      tooLarge: 'Ce fichier dépasse 150 Mo, la taille maximale acceptée par la préfecture.',
    },
    build.files,
  );
  // Public: CA certificates are public, and any verifier of a signed act may want the département's list.
  app.get(ACTS_HUB_ROUTES.trustList.path, { config: { public: true } }, async () => trustListDocument(db));
  app.get(ACTS_HUB_ROUTES.actArchive.path, async (request, reply) => {
    const auth = requireAuth(request);
    assertMayUse(registry, auth, 'acts', 'acts.read');
    const { id } = parseRequest(ACTS_HUB_ROUTES.actArchive, request).params;
    // Another collectivité's act answers like an unknown one.
    const found = /^[0-9a-f-]{36}$/i.test(id) ? await readActArchive(db, id, auth.communeId) : null;
    if (!found) throw new GuichetError('not_found', 'Aucune archive transmise pour cet acte.', 'no archive');
    return reply
      .header('content-type', 'application/gzip')
      .header('content-disposition', `attachment; filename="${found.name}"`)
      .send(found.archive);
  });
}
