/**
 * The files module on this PC: a content-addressed store `<dataDir>/<folder>/<aa>/<sha256>`
 * (0700/0600), indexed in a table of the owning domain (`acts_files`, `electoral_justificatifs`:
 * each domain's migration creates it with the same columns) with how far each file's upload to
 * the hub went. The index is the upload queue: a `pending` row survives restarts and dead
 * networks until the hub holds the file whole.
 * Files are written (tmp + rename) BEFORE the transaction that references them:
 * a crash in between leaves an orphan file, harmless, never a record without its file.
 */
import type Database from 'better-sqlite3';
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { ensurePrivateDirAsync, makePrivate, PRIVATE_FILE_MODE } from '../platform/private-files.js';

export type FileState = 'pending' | 'done' | 'local' | 'damaged';

/** What the index records of a file (the acts' `StoredFile`, a demand's justificatif). */
export interface FileMeta {
  sha256: string;
  fileName: string;
  size: number;
  mime: string;
}

/** Where a domain keeps its files: its index table and its folder under the data folder. */
export interface FileStoreLayout {
  /** Fixed by the domain's code (never user input): it is spliced into the SQL. */
  table: string;
  folder: string;
}

export interface FileRow {
  sha256: string;
  size: number;
  path: string;
  file_name: string;
  mime: string;
  uploaded: number;
  state: FileState;
}

/** SHA-256 of a file, streamed (acts with scanned annexes reach 150 MB). */
export async function sha256OfFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

export function createFileStore(
  db: Database.Database,
  dataDir: string,
  now: () => Date,
  layout: FileStoreLayout = { table: 'acts_files', folder: 'files' },
) {
  const { table } = layout;
  const root = join(dataDir, layout.folder);
  const pathOf = (sha256: string) => join(root, sha256.slice(0, 2), sha256);
  const getRow = db.prepare<[string], FileRow>(
    `SELECT sha256, size, path, file_name, mime, uploaded, state FROM ${table} WHERE sha256 = ?`,
  );
  const insertRow = db.prepare(
    `INSERT INTO ${table} (sha256, size, path, file_name, mime, uploaded, state, created_at_local) VALUES (?, ?, ?, ?, ?, 0, ?, ?)
     ON CONFLICT (sha256) DO UPDATE SET state = CASE WHEN ${table}.state IN ('local', 'damaged') AND excluded.state = 'pending' THEN 'pending' ELSE ${table}.state END`,
  );

  // The file is where the store puts it (a row indexed before its table had a `path` column has none).
  const withPath = (row: FileRow): FileRow => ({ ...row, path: pathOf(row.sha256) });

  // Act drafts name people (individual decisions), justificatifs are identity papers: folders 0700, files 0600, whatever the umask.
  async function ensureDir(path: string): Promise<void> {
    await ensurePrivateDirAsync(root);
    await ensurePrivateDirAsync(dirname(path));
  }

  return {
    root,
    pathOf,

    /** Writes bytes into the store (no index row yet: call `index` inside the domain transaction). */
    async putBytes(content: Uint8Array): Promise<{ sha256: string; size: number; path: string }> {
      const sha256 = createHash('sha256').update(content).digest('hex');
      const path = pathOf(sha256);
      // Always (re)written: a copy damaged on disk is replaced by the good bytes just received.
      await ensureDir(path);
      const tmp = `${path}.${randomBytes(4).toString('hex')}.tmp`;
      await writeFile(tmp, content, { mode: PRIVATE_FILE_MODE });
      await makePrivate(tmp);
      await rename(tmp, path);
      return { sha256, size: content.byteLength, path };
    },

    /** Moves a file produced elsewhere (e.g. the signed PDF) into the store, hashed by streaming. */
    async putFile(source: string): Promise<{ sha256: string; size: number; path: string }> {
      const sha256 = await sha256OfFile(source);
      const path = pathOf(sha256);
      await ensureDir(path);
      await makePrivate(source);
      await rename(source, path);
      return { sha256, size: (await stat(path)).size, path };
    },

    /** Records a stored file in the index (synchronous: runs inside the caller's transaction). */
    index(file: FileMeta, state: FileState): void {
      insertRow.run(file.sha256, file.size, pathOf(file.sha256), file.fileName, file.mime, state, now().toISOString());
    },

    get(sha256: string): FileRow | undefined {
      const row = getRow.get(sha256);
      return row && withPath(row);
    },

    setState(sha256: string, state: FileState): void {
      db.prepare(`UPDATE ${table} SET state = ? WHERE sha256 = ?`).run(state, sha256);
    },

    setUploaded(sha256: string, uploaded: number, done: boolean): void {
      db.prepare(`UPDATE ${table} SET uploaded = ?, state = CASE WHEN ? THEN 'done' ELSE state END WHERE sha256 = ?`).run(
        uploaded,
        done ? 1 : 0,
        sha256,
      );
    },

    pending(): FileRow[] {
      return db
        .prepare<[], FileRow>(
          `SELECT sha256, size, path, file_name, mime, uploaded, state FROM ${table} WHERE state = 'pending' ORDER BY rowid`,
        )
        .all()
        .map(withPath);
    },

    async read(sha256: string): Promise<Buffer | null> {
      try {
        return await readFile(pathOf(sha256));
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw err;
      }
    },

    /** A temporary path inside the store's folder (same file system, so `putFile` is a rename). */
    async tempPath(suffix: string): Promise<string> {
      await ensurePrivateDirAsync(root);
      return join(root, `.${randomBytes(6).toString('hex')}.${suffix}`);
    },

    async removeTemp(path: string): Promise<void> {
      await rm(path, { force: true });
    },

    /**
     * Removes what a crash left behind: temporary files, and stored files no record
     * indexes (written just before a transaction that never committed). Only files older
     * than `minAgeMs`, so a file written for a transaction still running is never touched.
     */
    async sweepOrphans(minAgeMs = 24 * 3600_000): Promise<number> {
      // The index is read once, up front: the walk below needs only the file system.
      const indexed = new Set(
        db
          .prepare<[], { sha256: string }>(`SELECT sha256 FROM ${table}`)
          .all()
          .map((r) => r.sha256),
      );
      const limit = now().getTime() - minAgeMs;
      let removed = 0;
      const entries = await readdir(root, { withFileTypes: true }).catch(() => []);
      for (const entry of entries) {
        const paths = entry.isDirectory()
          ? (await readdir(join(root, entry.name)).catch(() => [] as string[])).map((n) => ({ name: n, path: join(root, entry.name, n) }))
          : [{ name: entry.name, path: join(root, entry.name) }];
        for (const f of paths) {
          if (indexed.has(f.name)) continue;
          const st = await stat(f.path).catch(() => null);
          if (!st?.isFile() || st.mtimeMs > limit) continue;
          await rm(f.path, { force: true });
          removed++;
        }
      }
      return removed;
    },
  };
}

export type FileStore = ReturnType<typeof createFileStore>;
