import type Database from 'better-sqlite3';
import type { DomainMigrations } from './migrations/types.js';
import { openMigratedDb } from './sqlite.js';

export { openMigratedDb } from './sqlite.js';

/**
 * Opens the local SQLite file of this installation and brings it to the current
 * schema: `sets` comes from the composition root (electron/domains.ts
 * `CLIENT_MIGRATIONS`: the core's, then each domain's).
 */
export function openClientDb(file: string, sets: readonly DomainMigrations[]): Database.Database {
  return openMigratedDb(file, sets);
}
