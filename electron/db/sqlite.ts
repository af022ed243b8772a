import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { runMigrations } from './migrations/runner.js';
import type { ClientMigration } from './migrations/types.js';

/**
 * WAL + synchronous=NORMAL: a committed transaction survives a process crash
 * (kill -9); only an OS crash/power loss may lose the last commits, never
 * corrupt the file. Every sync step relies on "committed = kept".
 */
export function openMigratedDb(file: string, migrations: readonly ClientMigration[]): Database.Database {
  mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    runMigrations(db, migrations);
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}
