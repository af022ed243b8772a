import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { buildHub } from './app.js';
import type { LoginRateLimit } from './accounts/routes.js';
import { isPostgresUrl, openHubDb } from './db/open.js';
import { ensurePrivateDir } from './db/private-files.js';
import type { HubDatabase } from './db/schema.js';
import { createHubLogger } from './log.js';
import type { ActsFilesOptions } from './acts/routes.js';
import { startActesService, type ActesConfig, type ActesService } from './acts/service.js';

export interface StartHubOptions {
  port: number;
  host?: string;
  /** `postgres://…` to use PostgreSQL; otherwise SQLite in `dataDir/hub.sqlite`. */
  dbUrl?: string;
  dataDir: string;
  log?: Logger;
  rateLimit?: LoginRateLimit;
  updatesDir?: string;
  /** Run the hub as tiers de télétransmission (forwarding worker + ACTES mailbox). */
  actes?: ActesConfig;
  /** Act files: quota per collectivité and expiry of abandoned uploads (hub-server/acts/routes.ts). */
  actsFiles?: ActsFilesOptions;
  /** Close cleanly on SIGINT/SIGTERM (the CLI sets this; tests don't). */
  handleSignals?: boolean;
}

export interface RunningHub {
  url: string;
  app: FastifyInstance;
  db: Kysely<HubDatabase>;
  actes: ActesService | null;
  close(): Promise<void>;
}

/** Database path used when no DATABASE_URL is given. */
export function hubSqliteFile(dataDir: string): string {
  return join(dataDir, 'hub.sqlite');
}

export async function startHub(options: StartHubOptions): Promise<RunningHub> {
  const log = options.log ?? createHubLogger();
  const usePg = isPostgresUrl(options.dbUrl);
  if (!usePg) ensurePrivateDir(options.dataDir);
  const db = await openHubDb(usePg ? { url: options.dbUrl } : { file: hubSqliteFile(options.dataDir) });
  let app: FastifyInstance | undefined;
  let url: string;
  let actes: ActesService | null = null;
  try {
    app = await buildHub({ db, log, rateLimit: options.rateLimit, updatesDir: options.updatesDir, actsFiles: options.actsFiles });
    url = await app.listen({ port: options.port, host: options.host ?? '127.0.0.1' });
    if (options.actes) actes = await startActesService(db, options.actes, log);
  } catch (err) {
    await app?.close();
    await db.destroy();
    throw err;
  }

  let closing: Promise<void> | undefined;
  const onSignal = (signal: string) => {
    log.info({ signal }, 'hub stopping');
    void close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  // Finish in-flight requests and stop accepting new ones first, then release the database.
  const close = () =>
    (closing ??= (async () => {
      if (options.handleSignals) {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      }
      await actes?.close();
      await app!.close();
      await db.destroy();
    })());
  if (options.handleSignals) {
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
  }
  log.info({ url, db: usePg ? 'postgres' : 'sqlite' }, 'hub listening');
  return { url, app, db, actes, close };
}
