/**
 * The files module's upload queue: sends the pending files of a domain's store
 * to the hub, through that domain's file routes, before the sync pushes the
 * outbox (engine `beforePush`), so the hub never receives a record or a
 * command (e.g. `acts.transmit`, a demand naming its justificatifs) before the
 * files it names. The queue is the store's index (`state = 'pending'`): it
 * survives restarts, and a dead network stops the cycle, retried at the next sync.
 *
 * Resumable: each file starts with a HEAD answering how many bytes the hub
 * already holds (a cut mid-upload resumes there; a file the hub holds whole
 * is never sent again), then PATCHes chunks from that offset.
 */
import { open } from 'node:fs/promises';
import type { Logger } from 'pino';
import { GuichetError } from '../../shared/errors.js';
import type { FileRouteSet } from '../../shared/files/routes.js';
import type { HubClient } from '../hub-client/hub-client.js';
import { sha256OfFile, type FileRow, type FileStore } from './file-store.js';

export const UPLOAD_CHUNK_BYTES = 1024 * 1024;

/** Errors after which the whole cycle stops (and is retried): the push would not get through either. */
const TRANSIENT = new Set(['offline', 'hub_unavailable', 'rate_limited', 'unauthenticated', 'upgrade_required', 'internal']);

/** Progress of one file's upload (the acts show it; `sent` and `total` in bytes). */
export interface UploadProgress {
  sha256: string;
  fileName: string;
  sent: number;
  total: number;
}

export interface UploaderOptions {
  files: FileStore;
  log: Logger;
  /** The owning domain's file routes on the hub (absent: the acts'). */
  routes?: FileRouteSet;
  progress?: (p: UploadProgress) => void;
  /** What the user is told to do with a file missing or damaged on the PC (« joignez-le de nouveau à un acte »). */
  reattach?: string;
  chunkBytes?: number;
}

export function createUploader(options: UploaderOptions) {
  const { files, log, routes } = options;
  const emit = (_event: 'progress', p: UploadProgress) => options.progress?.(p);
  const reattach = options.reattach ?? 'joignez-le de nouveau à un acte';
  const chunkBytes = options.chunkBytes ?? UPLOAD_CHUNK_BYTES;

  async function uploadOne(hub: HubClient, file: FileRow): Promise<void> {
    let offset = await hub.fileOffset(file.sha256, routes);
    if (offset > file.size)
      throw new GuichetError(
        'internal',
        "Le hub annonce un fichier plus grand que celui de ce poste ; l'envoi est suspendu.",
        `hub offset ${offset} > size ${file.size}`,
      );
    files.setUploaded(file.sha256, offset, offset === file.size);
    if (offset === file.size) {
      log.debug({ sha256: file.sha256 }, 'file already on the hub');
      return;
    }
    // A disk that altered the bytes must not cost a full upload per cycle for the hub to refuse it.
    // A file gone from the disk is the same case: marked damaged, it no longer holds back every other change.
    const onDisk = await sha256OfFile(file.path).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return null;
      throw err;
    });
    if (onDisk !== file.sha256) {
      files.setState(file.sha256, 'damaged');
      throw new GuichetError(
        'invalid_input',
        onDisk === null
          ? `Le fichier « ${file.file_name} » est introuvable sur ce poste : ${reattach}.`
          : `Le fichier « ${file.file_name} » est endommagé sur ce poste : ${reattach}.`,
        onDisk === null ? 'local file missing' : 'local file hash mismatch',
      );
    }
    const handle = await open(file.path, 'r');
    try {
      const buffer = Buffer.alloc(Math.min(chunkBytes, file.size - offset));
      emit('progress', { sha256: file.sha256, fileName: file.file_name, sent: offset, total: file.size });
      while (offset < file.size) {
        const length = Math.min(buffer.length, file.size - offset);
        const { bytesRead } = await handle.read(buffer, 0, length, offset);
        if (bytesRead !== length)
          throw new GuichetError(
            'internal',
            `Le fichier « ${file.file_name} » a changé ou disparu sur ce poste.`,
            `short read ${bytesRead}/${length}`,
          );
        const next = await hub.uploadFileChunk(file.sha256, offset, file.size, buffer.subarray(0, length), routes);
        if (next <= offset)
          throw new GuichetError(
            'hub_unavailable',
            "Le hub n'a pas accepté la suite du fichier ; l'envoi reprendra plus tard.",
            `offset stuck at ${offset}`,
          );
        offset = next;
        files.setUploaded(file.sha256, offset, offset === file.size);
        emit('progress', { sha256: file.sha256, fileName: file.file_name, sent: offset, total: file.size });
      }
      log.info({ sha256: file.sha256, size: file.size }, 'file uploaded');
    } finally {
      await handle.close();
    }
  }

  return {
    /** Uploads every pending file; an offline error stops the cycle (the push would fail too). */
    async uploadPending(hub: HubClient): Promise<void> {
      for (const file of files.pending()) {
        try {
          try {
            await uploadOne(hub, file);
          } catch (err) {
            // A conflict on the offset (another PC sent the same bytes meanwhile): the next HEAD settles it.
            if (err instanceof GuichetError && err.code === 'conflict') await uploadOne(hub, file);
            else throw err;
          }
        } catch (err) {
          if (!(err instanceof GuichetError) || TRANSIENT.has(err.code)) throw err;
          // A file the hub refuses for good must not hold back every other change of the commune:
          // the command naming it is then refused by the hub, with its reason shown to the user.
          log.warn({ sha256: file.sha256, code: err.code, detail: err.detail }, 'file refused by the hub');
        }
      }
    },
  };
}
