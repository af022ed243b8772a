/**
 * Folders and files of the PC's data readable by its OS user only (0700 / 0600),
 * whatever the umask Guichet was started with: they hold electors' names, birth
 * dates and addresses, act drafts and the signing key. Modes are set explicitly
 * (the `mode` of mkdir/open is masked by the umask, and an earlier version may
 * have left them wider), so every creation is followed by a chmod.
 *
 * On Windows POSIX modes mean nothing: the data folder lives in the user's
 * profile (%APPDATA%), whose ACL already grants access to that user (and
 * SYSTEM/Administrators) only; these functions then only create.
 */
import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { chmod, mkdir } from 'node:fs/promises';

export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

const posix = process.platform !== 'win32';

/** Creates `dir` (and missing parents, 0700) and makes `dir` itself 0700. Never call it on a folder Guichet does not own (tmpdir). */
export function ensurePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  if (posix) chmodSync(dir, PRIVATE_DIR_MODE);
}

export async function ensurePrivateDirAsync(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  if (posix) await chmod(dir, PRIVATE_DIR_MODE);
}

/** Creates `file` empty if missing, and makes it 0600 (existing content is kept). */
export function ensurePrivateFile(file: string): void {
  closeSync(openSync(file, 'a', PRIVATE_FILE_MODE));
  if (posix) chmodSync(file, PRIVATE_FILE_MODE);
}

export async function makePrivate(file: string): Promise<void> {
  if (posix) await chmod(file, PRIVATE_FILE_MODE);
}

/**
 * Before better-sqlite3 opens `file`: the database file exists and is 0600, so SQLite
 * creates its -wal and -shm with the same mode (it copies the database file's
 * permissions, umask aside); -wal/-shm/-journal left by an earlier run are tightened too.
 * An empty file is a valid new SQLite database.
 */
export function preparePrivateSqliteFile(file: string): void {
  if (file === ':memory:' || file === '') return;
  ensurePrivateFile(file);
  if (!posix) return;
  for (const suffix of ['-wal', '-shm', '-journal']) if (existsSync(file + suffix)) chmodSync(file + suffix, PRIVATE_FILE_MODE);
}
