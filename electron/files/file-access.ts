/**
 * A file of the store as a handler reaches it: from this PC's store, else
 * downloaded once from the hub (through the owning domain's routes) and kept,
 * indexed `done` (the hub holds it: it is never uploaded back).
 */
import { GuichetError } from '../../shared/errors.js';
import type { FileRouteSet } from '../../shared/files/routes.js';
import type { HubClient } from '../hub-client/hub-client.js';
import type { FileMeta, FileStore } from './file-store.js';

/** The bytes held on this PC, with what the index says of them; null when this PC never held them (or lost them). */
export async function localFile(files: FileStore, sha256: string): Promise<{ bytes: Buffer; meta: FileMeta } | null> {
  const row = files.get(sha256);
  const bytes = row ? await files.read(sha256) : null;
  if (!row || !bytes) return null;
  return { bytes, meta: { sha256, fileName: row.file_name, size: row.size, mime: row.mime } };
}

/** Downloads a file from the hub, checks its SHA-256, stores and indexes it. `meta` comes from the record naming it. */
export async function downloadOnce(files: FileStore, hub: HubClient | null, meta: FileMeta, routes?: FileRouteSet): Promise<Buffer> {
  if (!hub)
    throw new GuichetError('offline', "Ce fichier n'est pas encore sur ce poste : connectez-vous au hub pour l'ouvrir.", 'no hub session');
  const bytes = await hub.downloadFile(meta.sha256, routes);
  const stored = await files.putBytes(bytes);
  if (stored.sha256 !== meta.sha256)
    throw new GuichetError(
      'internal',
      'Le fichier reçu du hub est endommagé ; réessayez.',
      `downloaded ${stored.sha256.slice(0, 12)} != ${meta.sha256.slice(0, 12)}`,
    );
  files.index(meta, 'done');
  return bytes;
}
