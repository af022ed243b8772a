/**
 * Files of the acts as the handlers reach them: stored from the user's input
 * (content-addressed), or read back, downloaded once from the hub when this PC
 * never held them (an act drafted on another PC, a letter of the prefecture);
 * the store and the download are the files module's (electron/files/).
 */
import type { ActFileKind } from '../../shared/acts/file-kinds.js';
import type { StoredFile } from '../../shared/acts/records.js';
import { GuichetError } from '../../shared/errors.js';
import { downloadOnce, localFile } from '../files/file-access.js';
import { type ActsContext, filesOf } from './acts-context.js';

const MIME: Record<Exclude<ActFileKind, 'other'>, StoredFile['mime']> = {
  pdf: 'application/pdf',
  xml: 'application/xml',
  png: 'image/png',
  jpeg: 'image/jpeg',
};

export async function storeInputFile(ac: ActsContext, fileName: string, content: Uint8Array, kind: ActFileKind): Promise<StoredFile> {
  if (kind === 'other')
    throw new GuichetError(
      'invalid_input',
      `Le fichier « ${fileName} » n'est pas d'un type accepté (PDF, XML, PNG ou JPEG).`,
      'file kind other',
    );
  const stored = await ac.files.putBytes(content);
  return { sha256: stored.sha256, fileName, size: stored.size, mime: MIME[kind] };
}

/** Name and type of a file from the records that mention it (for files this PC never held). */
function describeFile(ac: ActsContext, sha256: string): StoredFile | null {
  for (const act of ac.acts.all()) for (const f of filesOf(act)) if (f.sha256 === sha256) return f;
  for (const s of ac.acts.statuses().values()) for (const l of s.letters) for (const f of l.files) if (f.sha256 === sha256) return f;
  return null;
}

/** Bytes of a file: from the store, else downloaded from the hub once and kept. */
export async function fileBytes(ac: ActsContext, sha256: string): Promise<{ bytes: Buffer; meta: StoredFile }> {
  const local = await localFile(ac.files, sha256);
  if (local) return { bytes: local.bytes, meta: local.meta as StoredFile };
  const meta = describeFile(ac, sha256);
  if (!meta) throw new GuichetError('not_found', "Ce fichier n'est connu d'aucun acte de ce poste.", `file ${sha256.slice(0, 12)} unknown`);
  return { bytes: await downloadOnce(ac.files, ac.ctx.hub(), meta), meta };
}
