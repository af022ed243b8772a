/**
 * The demands' justificatifs on this PC: the files module's store
 * (electron/files/) in `<dataDir>/electoral-justificatifs/<aa>/<sha256>`
 * (0700/0600: identity papers), indexed in `electoral_justificatifs`, which is
 * also their upload queue to the hub. Bytes are written (tmp + rename) BEFORE
 * the transaction that names them: a crash in between leaves an orphan file,
 * never a demand without its piece. Nothing here deletes (no orphan sweep either:
 * a piece file is only ever removed by an explicit archiving procedure).
 */
import type Database from 'better-sqlite3';
import type { Justificatif } from '../../shared/electoral/demand-fields.js';
import { ELECTORAL_HUB_ROUTES } from '../../shared/electoral/justificatif-files.js';
import { GuichetError } from '../../shared/errors.js';
import type { FileRouteSet } from '../../shared/files/routes.js';
import { downloadOnce, localFile } from '../files/file-access.js';
import { createFileStore } from '../files/file-store.js';
import type { HubClient } from '../hub-client/hub-client.js';

/** The justificatifs' file routes on the hub (electoral permissions). */
export const JUSTIFICATIF_ROUTES: FileRouteSet = {
  status: ELECTORAL_HUB_ROUTES.justificatifStatus,
  upload: ELECTORAL_HUB_ROUTES.justificatifUpload,
  download: ELECTORAL_HUB_ROUTES.justificatifDownload,
};

export function createJustificatifStore(db: Database.Database, dataDir: string, now: () => Date) {
  const files = createFileStore(db, dataDir, now, { table: 'electoral_justificatifs', folder: 'electoral-justificatifs' });

  return {
    files,

    /** Writes the bytes (outside any transaction); `index` then records them inside the demand's. */
    putBytes: (content: Uint8Array) => files.putBytes(content),

    /** Records a piece this PC received from the user: queued for the hub. */
    index(j: Justificatif): void {
      files.index(j, 'pending');
    },

    get: (sha256: string) => files.get(sha256),

    /**
     * The piece's bytes: from this PC, else downloaded once from the hub (a piece scanned on
     * another PC of the commune). `known` is the piece as a demand of this PC names it.
     */
    async read(
      sha256: string,
      known: Justificatif | null,
      hub: HubClient | null,
    ): Promise<{ fileName: string; mime: string; content: Uint8Array }> {
      const local = await localFile(files, sha256);
      if (local) return { fileName: local.meta.fileName, mime: local.meta.mime, content: new Uint8Array(local.bytes) };
      if (!known)
        throw new GuichetError(
          'not_found',
          "Cette pièce n'est jointe à aucune demande de ce poste.",
          `justificatif ${sha256.slice(0, 12)} unknown`,
        );
      if (!hub)
        throw new GuichetError(
          'offline',
          "Cette pièce a été numérisée sur un autre poste : connectez-vous au serveur départemental pour l'ouvrir.",
          'no hub session',
        );
      const bytes = await downloadOnce(files, hub, known, JUSTIFICATIF_ROUTES).catch((err: unknown) => {
        if (err instanceof GuichetError && err.code === 'not_found')
          throw new GuichetError(
            'not_found',
            "Cette pièce n'est pas encore sur le serveur départemental : elle y partira à la prochaine synchronisation du poste où elle a été numérisée.",
            err.detail,
          );
        throw err;
      });
      return { fileName: known.fileName, mime: known.mime, content: new Uint8Array(bytes) };
    },
  };
}

export type JustificatifStore = ReturnType<typeof createJustificatifStore>;
