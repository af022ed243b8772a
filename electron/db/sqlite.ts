import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { PRIVATE_DIR_MODE, preparePrivateSqliteFile } from '../platform/private-files.js';
import { runMigrations } from './migrations/runner.js';
import type { DomainMigrations } from './migrations/types.js';

/**
 * WAL + synchronous=NORMAL: a committed transaction survives a process crash
 * (kill -9); only an OS crash/power loss may lose the last commits, never
 * corrupt the file. Every sync step relies on "committed = kept".
 */
export function openMigratedDb(file: string, sets: readonly DomainMigrations[]): Database.Database {
  // A missing folder is created private; the data folder itself is tightened by the platform (ensurePrivateDir).
  mkdirSync(dirname(file), { recursive: true, mode: PRIVATE_DIR_MODE });
  // 0600 before SQLite opens it, so the -wal and -shm it creates are 0600 too.
  preparePrivateSqliteFile(file);
  const db = new Database(file);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    runMigrations(db, sets);
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}
