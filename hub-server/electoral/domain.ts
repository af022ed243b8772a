import { JUSTIFICATIF_MAX_BYTES } from '../../shared/electoral/demand-fields.js';
import { electoralDomain } from '../../shared/electoral/domain.js';
import { ELECTORAL_HUB_ROUTES } from '../../shared/electoral/justificatif-files.js';
import { ELECTORAL_IMPORT_COMMAND } from '../../shared/electoral/schemas.js';
import type { HubDomain } from '../domain/hub-domain.js';
import { registerFileRoutes } from '../files/routes.js';
import { electoralImportHandler } from './import-command.js';

/**
 * The electoral lists on the hub: the REU import command, and the demands' justificatifs kept by
 * the files module (demands are plain synced records, ruled by the shared declaration; the push
 * refuses one naming a justificatif the hub does not hold).
 */
export const electoralHub = {
  spec: electoralDomain,
  commands: { [ELECTORAL_IMPORT_COMMAND]: electoralImportHandler },
  async routes(app, { db, registry, build }) {
    const r = ELECTORAL_HUB_ROUTES;
    registerFileRoutes(
      app,
      db,
      registry,
      {
        domain: electoralDomain,
        routes: { status: r.justificatifStatus, upload: r.justificatifUpload, download: r.justificatifDownload },
        maxBytes: JUSTIFICATIF_MAX_BYTES,
        tooLarge: 'Cette pièce dépasse 20 Mo : numérisez-la en résolution plus basse ou en plusieurs fichiers.',
      },
      build.files,
    );
  },
} satisfies HubDomain;
