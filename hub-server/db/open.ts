import Database from 'better-sqlite3';
import {
  Kysely,
  Migrator,
  PostgresDialect,
  SqliteDialect,
  type KyselyConfig,
  type MigrationResultSet,
  type SqliteDialectConfig,
} from 'kysely';
import pg from 'pg';
import { GuichetError } from '../../shared/errors.js';
import { startCheckpointer, type Checkpointer } from './checkpointer.js';
import { isPostgres } from './dialect.js';
import { hubMigrationProvider } from './migrations/index.js';
import { preparePrivateSqliteFile } from './private-files.js';
import type { HubDatabase } from './schema.js';

export interface OpenHubDbOptions {
  /** `postgres://…` selects PostgreSQL; otherwise SQLite is used. */
  url?: string;
  /** SQLite file (ignored on PostgreSQL). Default: in memory. */
  file?: string;
  /** PostgreSQL schema to work in (created if missing); tests use a throwaway one. */
  schema?: string;
  /** Run pending migrations (default true). */
  migrate?: boolean;
  /**
   * SQLite file: WAL checkpoints on a thread of their own instead of inside the commits on the event loop
   * (checkpointer.ts). The server turns it on; short-lived tools (CLI, tests) keep SQLite's automatic ones.
   */
  backgroundCheckpoints?: { onError(e: Error): void };
  /** Kysely's log hook: called for every statement, begin and commit included (tests count round trips with it). */
  log?: KyselyConfig['log'];
}

const schemaByDb = new WeakMap<object, string>();
/** The checkpoint thread of a hub's SQLite file, until its connection is closed (checkpointer.ts). */
const checkpointerByDb = new WeakMap<object, Checkpointer>();
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

// int8 (COUNT(*), bigint columns) and numeric would come back as strings from pg;
// hub values (counts, sync versions) stay well below 2^53, so parse them as numbers.
const pgTypes = {
  getTypeParser(oid: number, format?: string) {
    if (oid === 20 || oid === 1700) return (v: string) => Number(v);
    return (pg.types.getTypeParser as (oid: number, format?: string) => unknown)(oid, format);
  },
};

export function isPostgresUrl(url: string | undefined): url is string {
  return !!url && /^postgres(ql)?:\/\//.test(url);
}

/**
 * Open the hub database: SQLite (better-sqlite3, WAL, foreign keys, busy
 * timeout) by default, PostgreSQL (pg Pool) when `url` is a postgres URL.
 * Migrations run to the latest unless `migrate: false`.
 */
export async function openHubDb(options: OpenHubDbOptions = {}): Promise<Kysely<HubDatabase>> {
  let db: Kysely<HubDatabase>;
  if (isPostgresUrl(options.url)) {
    const schema = options.schema;
    if (schema !== undefined && !SCHEMA_NAME.test(schema))
      throw new GuichetError('bad_request', 'Nom de schéma PostgreSQL invalide.', `schema=${schema}`);
    const pool = new pg.Pool({
      connectionString: options.url,
      max: 10,
      types: pgTypes as pg.CustomTypesConfig,
      // search_path on every connection: queries and migrations land in the schema without qualifying each table.
      ...(schema ? { options: `-c search_path=${schema}` } : {}),
    });
    // An idle connection ended by the server (restart, pg_terminate_backend, network cut) is reported here;
    // without a listener that 'error' event kills the hub. The pool drops the client and the next query reconnects.
    pool.on('error', () => {});
    if (schema) {
      const client = await pool.connect();
      try {
        await client.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
      } finally {
        client.release();
      }
    }
    db = new Kysely<HubDatabase>({ dialect: new PostgresDialect({ pool }), ...(options.log ? { log: options.log } : {}) });
    if (schema) schemaByDb.set(db, schema);
  } else {
    // 0600 before SQLite opens it: the -wal and -shm it creates get the same mode.
    if (options.file) preparePrivateSqliteFile(options.file);
    const sqlite = new Database(options.file ?? ':memory:');
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = NORMAL');
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma('busy_timeout = 5000');
    const checkpointer =
      options.file && options.backgroundCheckpoints ? startCheckpointer(sqlite, options.file, options.backgroundCheckpoints.onError) : null;
    db = new Kysely<HubDatabase>({
      dialect: new SqliteDialect({ database: withStatementCache(sqlite, checkpointer) }),
      ...(options.log ? { log: options.log } : {}),
    });
    if (checkpointer) checkpointerByDb.set(db, checkpointer);
  }
  if (options.migrate !== false) {
    try {
      await migrateHubDb(db);
    } catch (err) {
      await closeHubDb(db);
      throw err;
    }
  }
  return db;
}

/**
 * Close the hub database and wait for everything that holds its files: Kysely's `destroy` does not wait
 * for the checkpoint thread, whose own connection still touches the -wal and -shm for a moment (a folder
 * removed right after a hub stopped was found not empty).
 */
export async function closeHubDb(db: Kysely<HubDatabase>): Promise<void> {
  await db.destroy();
  await checkpointerByDb.get(db)?.stop();
}

/** Statements kept prepared, by SQL text: enough for every query the hub issues, bounded against one-off texts. */
const STATEMENT_CACHE = 300;

/**
 * Kysely's SQLite driver prepares every query it runs; under load that compile step was the largest single cost
 * of a request on SQLite (profile of the load bench). The hub issues a few dozen distinct texts, so keep them.
 * A statement still iterating (a streamed query) is never handed out twice.
 */
function withStatementCache(sqlite: Database.Database, checkpointer: Checkpointer | null): SqliteDialectConfig['database'] {
  const cache = new Map<string, Database.Statement>();
  return {
    close: () => {
      void checkpointer?.stop(); // awaited by closeHubDb
      sqlite.close();
    },
    prepare(text: string) {
      const cached = cache.get(text);
      if (cached && !cached.busy) return cached;
      const stmt = sqlite.prepare(text);
      if (cache.size >= STATEMENT_CACHE) cache.delete(cache.keys().next().value as string);
      cache.set(text, stmt);
      return stmt;
    },
  };
}

/** Apply every pending migration; throws (with the failing migration's name) if one fails. */
export async function migrateHubDb<DB>(db: Kysely<DB>): Promise<MigrationResultSet> {
  const schema = schemaByDb.get(db);
  const migrator = new Migrator({
    db,
    provider: hubMigrationProvider,
    ...(isPostgres(db) && schema ? { migrationTableSchema: schema } : {}),
  });
  const result = await migrator.migrateToLatest();
  if (result.error) {
    const failed = result.results?.find((r) => r.status === 'Error')?.migrationName ?? '?';
    throw new GuichetError(
      'internal',
      "La base de données du hub n'a pas pu être mise à jour.",
      `migration ${failed}: ${String(result.error)}`,
    );
  }
  return result;
}

/** The PostgreSQL schema a database was opened in, if any. */
export function schemaOf<DB>(db: Kysely<DB>): string | undefined {
  return schemaByDb.get(db);
}
