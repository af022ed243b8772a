import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { buildHub } from './app.js';
import type { LoginRateLimit } from './accounts/routes.js';
import { closeHubDb, isPostgresUrl, openHubDb } from './db/open.js';
import { ensurePrivateDir } from './db/private-files.js';
import type { FilesOptions } from './files/maintenance.js';
import { loadHubSecretKey, SECRET_KEY_ENV, registerHubSecretKey } from './console/secret-box.js';
import type { HubDatabase } from './db/schema.js';
import { createHubLogger } from './log.js';
import { HUB_DOMAINS, HUB_REGISTRY, type HubService, type HubServiceConfigs, type HubServices } from './domains.js';

export interface StartHubOptions {
  port: number;
  host?: string;
  /** `postgres://…` to use PostgreSQL; otherwise SQLite in `dataDir/hub.sqlite`. */
  dbUrl?: string;
  /** PostgreSQL schema to work in (default: the connection's search_path); tests give each run its own. */
  dbSchema?: string;
  dataDir: string;
  log?: Logger;
  rateLimit?: LoginRateLimit;
  updatesDir?: string;
  /**
   * Background services of the domains, by domain id: a domain given its configuration starts them
   * once the hub listens, e.g. `{ acts: … }` runs the hub as tiers de télétransmission (forwarder + ACTES mailbox).
   */
  services?: HubServiceConfigs;
  /** The files module (every domain's files): quota per collectivité and expiry of abandoned uploads (hub-server/files/). */
  files?: FilesOptions;
  /** Close cleanly on SIGINT/SIGTERM (the CLI sets this; tests don't). */
  handleSignals?: boolean;
}

export interface RunningHub {
  url: string;
  app: FastifyInstance;
  db: Kysely<HubDatabase>;
  /** The domains' background services that were started, by domain id. */
  services: HubServices;
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
  // Before the database opens: migration 015 seals the agents' TOTP seeds with it.
  const secretKey = loadHubSecretKey(options.dataDir);
  registerHubSecretKey(secretKey);
  if (usePg && !process.env[SECRET_KEY_ENV])
    log.warn(
      { env: SECRET_KEY_ENV },
      'hub secret key read from the data folder: several instances on one database need the same key in the environment',
    );
  const db = await openHubDb(
    usePg
      ? { url: options.dbUrl, schema: options.dbSchema }
      : {
          file: hubSqliteFile(options.dataDir),
          backgroundCheckpoints: { onError: (e) => log.error({ err: e }, 'WAL checkpoint thread failed: automatic checkpoints again') },
        },
  );
  let app: FastifyInstance | undefined;
  let url: string;
  const services: Record<string, HubService> = {};
  const stopServices = async () => {
    for (const [id, service] of Object.entries(services).reverse()) {
      await service.close();
      delete services[id];
    }
  };
  try {
    app = await buildHub({
      db,
      log,
      secretKey,
      rateLimit: options.rateLimit,
      updatesDir: options.updatesDir,
      files: options.files,
    });
    url = await app.listen({ port: options.port, host: options.host ?? '127.0.0.1' });
    const configs: Record<string, unknown> = options.services ?? {};
    for (const domain of HUB_DOMAINS) {
      const config = configs[domain.spec.id];
      if ('start' in domain && config !== undefined)
        services[domain.spec.id] = await domain.start({ db, registry: HUB_REGISTRY, log }, config as never);
    }
  } catch (err) {
    await stopServices();
    await app?.close();
    await closeHubDb(db);
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
      await stopServices();
      await app!.close();
      await closeHubDb(db);
    })());
  if (options.handleSignals) {
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
  }
  log.info({ url, db: usePg ? 'postgres' : 'sqlite' }, 'hub listening');
  return { url, app, db, services: services as HubServices, close };
}
