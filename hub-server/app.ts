import { readFileSync } from 'node:fs';
import compress from '@fastify/compress';
import rateLimit from '@fastify/rate-limit';
import Fastify, { type FastifyBaseLogger, type FastifyError, type FastifyInstance } from 'fastify';
import { sql, type Kysely } from 'kysely';
import type { Logger } from 'pino';
import { ZodError } from 'zod';
import { HUB_ROUTES, STATUS_OF_ERROR, type HealthResponse } from '../shared/api/hub.js';
import { mergeRoutes } from '../shared/api/contract.js';
import type { DomainRegistry } from '../shared/domain/registry.js';
import { GuichetError, type ErrorBody } from '../shared/errors.js';
import { PROTOCOL_VERSION } from '../shared/sync/protocol.js';
import { installAuth } from './accounts/auth.js';
import { registerAccountsRoutes, type LoginRateLimit } from './accounts/routes.js';
import { registerOpenApiRoute } from './contract.js';
import { dialectOf } from './db/dialect.js';
import type { HubDatabase } from './db/schema.js';
import { commandHandlers, type AnyHubDomain } from './domain/hub-domain.js';
import { HUB_DOMAINS, HUB_REGISTRY } from './domains.js';
import { createHubLogger } from './log.js';
import type { SnapshotPageCache } from './sync/page-cache.js';
import { registerSyncRoutes } from './sync/routes.js';
import { type FilesOptions, scheduleFilesMaintenance } from './files/maintenance.js';
import { registerUpdateRoutes } from './updates/routes.js';
import { CONSOLE_ROUTES } from '../shared/console/routes.js';
import { registerConsoleDataRoutes } from './console/data-routes.js';
import { registerConsoleAuthRoutes } from './console/routes.js';
import { installStaffAuth } from './console/staff-auth.js';
import { registerConsoleApp } from './console/static.js';

export const HUB_VERSION: string = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string })
  .version;

/**
 * Cap on a request body once inflated (gzip bodies are inflated as they are read), for
 * every route that does not set its own: logins, accounts, commands are small. The push
 * (whole electoral imports) sets a larger one (sync/routes.ts); file uploads stream.
 */
export const HUB_BODY_LIMIT = 1024 * 1024;

export interface BuildHubOptions {
  db: Kysely<HubDatabase>;
  log?: Logger;
  rateLimit?: LoginRateLimit;
  /** Folder served read-only under `/updates/` (update feed for the desktop client). */
  updatesDir?: string;
  /** The files module (every domain's files): quota per collectivité (default 2 GiB) and expiry of abandoned uploads (48 h). */
  files?: FilesOptions;
  /** Built console web app (default dist/console); /console/ answers 503 when it is absent. */
  consoleDir?: string;
  /** Key sealing the agents' TOTP seeds (console/secret-box.ts); default: the process's (startHub loads it from the data folder). */
  secretKey?: Buffer;
  /** The hub's domains and the registry built from their declarations (default: hub-server/domains.ts); tests may add a toy domain. */
  domains?: { list: readonly AnyHubDomain[]; registry: DomainRegistry };
  /** Gzipped snapshot pages kept for a commune's next new PC (default: a cache of SNAPSHOT_CACHE_BYTES); tests pass theirs to watch it. */
  snapshotPages?: SnapshotPageCache;
}

const GENERIC_500 =
  'Le hub a rencontré une erreur inattendue. Réessayez dans un instant ; si cela persiste, contactez le support du département.';

function fastifyErrorMessage(status: number): string {
  if (status === 413) return 'La demande envoyée au hub est trop volumineuse.';
  if (status === 415) return "Le format de la demande n'est pas pris en charge par le hub.";
  if (status === 429) return 'Trop de demandes : patientez un instant avant de réessayer.';
  return 'La demande envoyée au hub est mal formée.';
}

export interface HubRouteInfo {
  method: string;
  url: string;
  public: boolean;
  /** A console route (staff session cookie, never a collectivité's bearer). */
  console: boolean;
}

const routesByApp = new WeakMap<FastifyInstance, HubRouteInfo[]>();

/** Every route registered on a hub built by buildHub (collected by an onRoute hook, so new domains are covered automatically). */
export function hubRoutes(app: FastifyInstance): readonly HubRouteInfo[] {
  return routesByApp.get(app) ?? [];
}

function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

/** Build the hub HTTP application (not listening). The caller owns `db`. */
export async function buildHub(options: BuildHubOptions): Promise<FastifyInstance> {
  const { db } = options;
  const { list: domains, registry } = options.domains ?? { list: HUB_DOMAINS, registry: HUB_REGISTRY };
  // Every declared command has its handler before the hub answers anything.
  const commands = commandHandlers(domains, registry);
  const app = Fastify({
    loggerInstance: (options.log ?? createHubLogger()) as FastifyBaseLogger,
    bodyLimit: HUB_BODY_LIMIT,
    trustProxy: false,
  });

  const routes: HubRouteInfo[] = [];
  routesByApp.set(app, routes);
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat())
      routes.push({ method, url: route.url, public: route.config?.public === true, console: route.config?.console === true });
  });

  // Responses are gzipped when the client accepts it; request bodies sent with Content-Encoding: gzip are inflated (preParsing hook).
  await app.register(compress, { global: true, threshold: 1024, encodings: ['gzip', 'deflate'], requestEncodings: ['gzip', 'deflate'] });
  await app.register(rateLimit, { global: false });

  app.setErrorHandler((error: FastifyError | GuichetError | ZodError | Error, request, reply) => {
    let status: number;
    let body: ErrorBody;
    if (error instanceof GuichetError) {
      status = STATUS_OF_ERROR[error.code as keyof typeof STATUS_OF_ERROR] ?? 400;
      body = error.toBody();
      request.log.info({ code: error.code, detail: error.detail, status }, 'request refused');
    } else if (error instanceof ZodError) {
      const issue = error.issues[0];
      status = 400;
      body = {
        code: 'invalid_input',
        message: issue?.message ?? 'Données invalides.',
        detail: `${issue?.path.join('.') || '(racine)'}: ${issue?.code ?? ''}`,
      };
      request.log.info({ code: body.code, detail: body.detail }, 'invalid input');
    } else if (isUniqueViolation(error)) {
      // Two requests raced past the application's own duplicate check.
      status = 409;
      body = {
        code: 'conflict',
        message: 'Cette donnée existe déjà (enregistrée entre-temps par une autre demande).',
        detail: 'unique constraint',
      };
      request.log.info({ code: body.code }, 'unique violation');
    } else if (typeof (error as FastifyError).statusCode === 'number' && (error as FastifyError).statusCode! < 500) {
      status = (error as FastifyError).statusCode!;
      body = {
        code: status === 429 ? 'rate_limited' : 'bad_request',
        message: fastifyErrorMessage(status),
        detail: (error as FastifyError).code ?? error.message,
      };
      request.log.info({ code: body.code, detail: body.detail, status }, 'request refused');
    } else {
      status = 500;
      body = { code: 'internal', message: GENERIC_500 };
      request.log.error({ err: error }, 'unexpected error');
    }
    return reply.code(status).send(body);
  });

  app.setNotFoundHandler((request, reply) => {
    const body: ErrorBody = {
      code: 'not_found',
      message: "Cette adresse n'existe pas sur le hub.",
      detail: `${request.method} ${request.url.split('?')[0]}`,
    };
    return reply.code(404).send(body);
  });

  installAuth(app, db, registry);
  installStaffAuth(app, db);

  app.get(HUB_ROUTES.health.path, { config: { public: true } }, async (): Promise<HealthResponse> => {
    try {
      await sql`select 1`.execute(db);
    } catch (err) {
      throw new GuichetError('hub_unavailable', 'Le hub ne parvient pas à joindre sa base de données.', String(err));
    }
    return { status: 'ok', version: HUB_VERSION, protocol: PROTOCOL_VERSION, db: dialectOf(db) };
  });

  // The document describes the domains this hub was built with (their routes, records and commands).
  registerOpenApiRoute(app, HUB_ROUTES.openapi, {
    contract: mergeRoutes({ ...HUB_ROUTES, ...CONSOLE_ROUTES }, registry.domains),
    version: HUB_VERSION,
    domains: registry.domains,
  });
  await registerAccountsRoutes(app, { db, registry, rateLimit: options.rateLimit });
  await registerSyncRoutes(app, { db, registry, commands, snapshotPages: options.snapshotPages });
  // The files module serves every domain that keeps files (each mounts its routes); its upkeep is one timer.
  if (options.files?.purge !== false) scheduleFilesMaintenance(app, db, registry, options.files?.purge || undefined);
  for (const domain of domains as readonly AnyHubDomain[]) {
    const { routes } = domain;
    if (routes) await app.register(async (scope) => routes(scope, { db, registry, build: options }));
  }
  if (options.updatesDir) registerUpdateRoutes(app, { dir: options.updatesDir, db });
  await registerConsoleAuthRoutes(app, { db, rateLimit: options.rateLimit, secretKey: options.secretKey });
  await registerConsoleDataRoutes(app, { db });
  await registerConsoleApp(app, options.consoleDir);

  return app;
}
