import type Database from 'better-sqlite3';

/** One numbered step of a domain's local schema (versions 1, 2, … within the domain). */
export interface ClientMigration {
  version: number;
  name: string;
  /**
   * The `PRAGMA user_version` this step brought the db to in the builds that numbered every
   * migration in one global list (up to the pull_staging drop). A db still on that scheme is
   * mapped onto the per-domain versions from it, without running anything again. New
   * migrations have none.
   */
  legacyVersion?: number;
  /** Runs inside a transaction opened by the runner: throw to leave the db untouched. */
  up(db: Database.Database): void;
}

/** The migrations one domain owns (`core` for the sync tables), in order. */
export interface DomainMigrations {
  domain: string;
  migrations: readonly ClientMigration[];
}
