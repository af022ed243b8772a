/**
 * The demands' justificatifs on this PC: content-addressed files
 * `<dataDir>/electoral-justificatifs/<aa>/<sha256>` (0700/0600: identity
 * papers), indexed in `electoral_justificatifs`. Bytes are written (tmp +
 * rename) BEFORE the transaction that names them: a crash in between leaves
 * an orphan file, never a demand without its piece. Nothing here deletes.
 */
import type Database from 'better-sqlite3';
import { createHash, randomBytes } from 'node:crypto';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Justificatif } from '../../shared/electoral/demand-fields.js';
import { GuichetError } from '../../shared/errors.js';
import { ensurePrivateDirAsync, makePrivate, PRIVATE_FILE_MODE } from '../platform/private-files.js';

export interface JustificatifRow {
  sha256: string;
  file_name: string;
  mime: string;
  size: number;
  uploaded: number;
}

export function createJustificatifStore(db: Database.Database, dataDir: string, now: () => Date) {
  const root = join(dataDir, 'electoral-justificatifs');
  const pathOf = (sha256: string) => join(root, sha256.slice(0, 2), sha256);
  const insert = db.prepare(
    `INSERT INTO electoral_justificatifs (sha256, file_name, mime, size, created_at_local) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (sha256) DO NOTHING`,
  );
  const one = db.prepare<[string], JustificatifRow>(
    'SELECT sha256, file_name, mime, size, uploaded FROM electoral_justificatifs WHERE sha256 = ?',
  );

  return {
    /** Writes the bytes (outside any transaction); `index` then records them inside the demand's. */
    async putBytes(content: Uint8Array): Promise<{ sha256: string; size: number }> {
      const sha256 = createHash('sha256').update(content).digest('hex');
      const path = pathOf(sha256);
      await ensurePrivateDirAsync(root);
      await ensurePrivateDirAsync(dirname(path));
      const tmp = `${path}.${randomBytes(4).toString('hex')}.tmp`;
      await writeFile(tmp, content, { mode: PRIVATE_FILE_MODE });
      await makePrivate(tmp);
      await rename(tmp, path);
      return { sha256, size: content.byteLength };
    },

    index(j: Justificatif): void {
      insert.run(j.sha256, j.fileName, j.mime, j.size, now().toISOString());
    },

    get: (sha256: string) => one.get(sha256),

    async read(sha256: string): Promise<{ fileName: string; mime: string; content: Uint8Array }> {
      const row = one.get(sha256);
      const content = row ? await readFile(pathOf(sha256)).catch(() => null) : null;
      if (!row || !content)
        throw new GuichetError(
          'not_found',
          "Cette pièce n'est pas sur ce poste (elle a été jointe sur un autre poste) : ouvrez-la depuis le poste où elle a été numérisée.",
          `justificatif ${sha256.slice(0, 12)} not on this PC`,
        );
      return { fileName: row.file_name, mime: row.mime, content: new Uint8Array(content) };
    },
  };
}

export type JustificatifStore = ReturnType<typeof createJustificatifStore>;
