/**
 * The hub's data folder and SQLite file hold every collectivité's electoral list
 * and the password hashes: readable by the hub's OS user only (0700 / 0600),
 * whatever the umask it was started with. Modes are set explicitly after
 * creation (mkdir/open modes are masked by the umask; an earlier version may
 * have left them wider). The PC has the same rule in electron/platform/private-files.ts
 * (the hub never imports the client's code).
 *
 * Windows: modes mean nothing there; a hub's data folder belongs under the service
 * account's profile, whose ACL grants that account (and SYSTEM/Administrators) only.
 */
import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';

const posix = process.platform !== 'win32';

/** Creates `dir` (missing parents 0700) and makes `dir` itself 0700. */
export function ensurePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (posix) chmodSync(dir, 0o700);
}

/**
 * Before better-sqlite3 opens `file`: it exists and is 0600, so SQLite creates
 * its -wal and -shm with the same mode (it copies the database file's
 * permissions, umask aside); leftovers of an earlier run are tightened too.
 */
export function preparePrivateSqliteFile(file: string): void {
  if (file === ':memory:' || file === '') return;
  closeSync(openSync(file, 'a', 0o600));
  if (!posix) return;
  for (const f of [file, `${file}-wal`, `${file}-shm`, `${file}-journal`]) if (existsSync(f)) chmodSync(f, 0o600);
}
