import type Database from 'better-sqlite3';
import { CLIENT_MIGRATIONS } from './migrations/index.js';
import { openMigratedDb } from './sqlite.js';

export { openMigratedDb } from './sqlite.js';

/** Opens the local SQLite file of this installation and brings it to the current schema. */
export function openClientDb(file: string): Database.Database {
  return openMigratedDb(file, CLIENT_MIGRATIONS);
}
