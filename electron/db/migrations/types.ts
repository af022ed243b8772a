import type Database from 'better-sqlite3';

/** One numbered step of the client schema; `version` is what `PRAGMA user_version` holds after it. */
export interface ClientMigration {
  version: number;
  name: string;
  /** Runs inside a transaction opened by the runner: throw to leave the db untouched. */
  up(db: Database.Database): void;
}
