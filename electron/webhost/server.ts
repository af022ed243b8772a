import { randomBytes } from 'node:crypto';
import { realpath } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyError, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { fromWire } from '../../shared/api/wire.js';
import { apiRoutes, SECRET_HEADER } from './api.js';
import type { CoreApi } from './core-api.js';
import { SECURITY_HEADERS } from './csp.js';
import { readLocalAddress, saveLocalAddress } from './local-address.js';
import { errorBody, isApiPath, sendError, sendPlain } from './replies.js';
import { rendererFiles } from './static-files.js';

export { SECRET_HEADER };

/**
 * The web host: the same core API as the Electron preload, over HTTP on the
 * loopback, so the renderer runs in a plain browser (e2e tests, PCs where the
 * desktop app cannot be installed). A fastify app: the renderer bundle through
 * @fastify/static (static-files.ts), the API under /api (api.ts).
 *
 * Threat model: any web page the user visits can send requests to
 * 127.0.0.1. Hence (1) a random secret on every API call (one per data
 * folder, kept in a 0600 file there: local-address.ts), handed to
 * the page only through the URL fragment (never sent over the network by the
 * browser, never in a Referer); (2) the Host header must name the loopback
 * port (DNS rebinding); (3) a foreign Origin is refused. (2) and (3) are an
 * onRequest hook of the whole app, (1) one of the API scope.
 */
export interface WebHostOptions {
  core: CoreApi;
  /** Loopback only: '127.0.0.1' (default) or 'localhost'. */
  host?: '127.0.0.1' | 'localhost';
  /** 0 (default) picks a free port. */
  port?: number;
  /**
   * The data folder whose stable address to use (local-address.ts): the secret
   * kept there, and, when `port` is 0, the port it had last time if still free.
   * Without it, a new secret per run.
   */
  dataDir?: string;
  /** Built renderer (dist/renderer). */
  rendererDir: string;
  /** Interval of SSE comment lines that keep proxies and the browser from dropping the stream. */
  heartbeatMs?: number;
  /** Request body limit in bytes (an electoral list upload is the largest). */
  bodyLimit?: number;
  log?: Logger;
}

export interface WebHost {
  /** Address to open: `http://127.0.0.1:PORT/#secret=…`. */
  url: string;
  /** `http://127.0.0.1:PORT`, without the secret. */
  origin: string;
  port: number;
  secret: string;
  close(): Promise<void>;
}

const DEFAULT_BODY_LIMIT = 200 * 1024 * 1024;
const DEFAULT_HEARTBEAT_MS = 15_000;

export async function startWebHost(options: WebHostOptions): Promise<WebHost> {
  const { core, host = '127.0.0.1', port = 0, log } = options;
  if (host !== '127.0.0.1' && host !== 'localhost') throw new Error(`web host: refusing to bind a non-loopback address (${String(host)})`);
  const bodyLimit = options.bodyLimit ?? DEFAULT_BODY_LIMIT;
  const rendererDir = await realpath(options.rendererDir).catch(() => options.rendererDir);
  const saved = options.dataDir ? readLocalAddress(options.dataDir) : null;
  const secret = saved?.secret ?? randomBytes(32).toString('base64url');
  const streams = new Map<ServerResponse, () => void>();
  // Known once the port is bound; until then nothing is accepted.
  let allowedHosts: Set<string> = new Set();
  let allowedOrigins: Set<string> = new Set();

  /** DNS rebinding: a hostile name resolving to 127.0.0.1 still carries its own Host. A foreign page carries its Origin. */
  const refuseForeign = (request: FastifyRequest, reply: FastifyReply): FastifyReply | undefined => {
    const api = isApiPath(request.url);
    if (!allowedHosts.has((request.headers.host ?? '').toLowerCase())) {
      return api ? sendError(reply, 403, errorBody('forbidden', 'host')) : sendPlain(reply, 403, 'Hôte refusé.');
    }
    const origin = request.headers.origin;
    if (origin !== undefined && !allowedOrigins.has(origin.toLowerCase())) {
      return api ? sendError(reply, 403, errorBody('forbidden', 'origin')) : sendPlain(reply, 403, 'Origine refusée.');
    }
    return undefined;
  };

  const app = Fastify({
    logger: false,
    bodyLimit,
    // close() also ends idle keep-alive connections and the event streams' sockets.
    forceCloseConnections: true,
    // A URL the router cannot decode (bad percent-encoding): answered before any hook runs, so the checks run here too.
    frameworkErrors: (_error, request, reply) => {
      reply.headers(SECURITY_HEADERS);
      if (refuseForeign(request, reply)) return;
      if (isApiPath(request.url)) sendError(reply, 400, errorBody('bad_request', 'channel encoding'));
      else sendPlain(reply, 400, 'Chemin refusé.');
    },
  });

  app.addHook('onRequest', async (request, reply) => {
    reply.headers(SECURITY_HEADERS);
    return refuseForeign(request, reply);
  });

  // JSON only; an empty body is a null input. fastify's parser refuses __proto__ / constructor poisoning.
  app.removeAllContentTypeParsers();
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    if (body === '') return done(null, null);
    parseJson(request, body as string, (err: Error | null, value?: unknown) => {
      if (err) return done(err);
      try {
        done(null, fromWire(value));
      } catch (wireError) {
        done(Object.assign(wireError as Error, { statusCode: 400 }));
      }
    });
  });

  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (isApiPath(request.url)) {
      if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
        // Stop the upload: answer, then drop the connection once the answer is out.
        reply.header('connection', 'close');
        reply.raw.on('finish', () => request.raw.destroy());
        return sendError(reply, 413, errorBody('bad_request', 'body too large', 'Le fichier envoyé est trop volumineux (200 Mo au plus).'));
      }
      if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
        return sendError(reply, 415, errorBody('bad_request', 'content-type must be application/json'));
      }
      if (error.statusCode === 400) return sendError(reply, 400, errorBody('bad_request', 'invalid JSON body'));
      log?.error({ err: error.name, code: error.code }, 'web host: unexpected failure');
      return sendError(reply, 500, errorBody('internal'));
    }
    // send refuses '..' (403) and NUL bytes (400) in a path.
    if (error.statusCode === 400 || error.statusCode === 403) return sendPlain(reply, 400, 'Chemin refusé.');
    if ('syscall' in error) {
      // A file found, then gone or unreadable when read (a rebuild): drop this request, keep serving.
      log?.warn({ code: error.code }, 'web host: static file could not be read');
      reply.hijack();
      request.raw.destroy();
      return;
    }
    log?.error({ err: error.name, code: error.code }, 'web host: unexpected failure');
    return sendError(reply, 500, errorBody('internal'));
  });

  await app.register(apiRoutes, { prefix: '/api', core, secret, heartbeatMs: options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS, streams, log });
  await rendererFiles(app, rendererDir);

  if (port === 0 && saved && saved.port > 0) {
    // Same address as last time when its port is still free; any free port otherwise.
    await app.listen({ host, port: saved.port }).catch(async (err: NodeJS.ErrnoException) => {
      if (err.code !== 'EADDRINUSE' && err.code !== 'EACCES') throw err;
      await app.listen({ host, port: 0 });
    });
  } else {
    await app.listen({ host, port });
  }
  const boundPort = (app.server.address() as AddressInfo).port;
  if (options.dataDir && saved && saved.port !== boundPort && port === 0) saveLocalAddress(options.dataDir, { secret, port: boundPort });
  allowedHosts = new Set([`127.0.0.1:${boundPort}`, `localhost:${boundPort}`]);
  allowedOrigins = new Set([...allowedHosts].map((h) => `http://${h}`));
  const origin = `http://${host}:${boundPort}`;
  log?.info({ port: boundPort }, 'web host listening');

  return {
    url: `${origin}/#secret=${secret}`,
    origin,
    port: boundPort,
    secret,
    close: async () => {
      // Unsubscribe first, synchronously: the core may emit while the server shuts down.
      for (const [stream, cleanup] of streams) {
        cleanup();
        stream.end();
      }
      await app.close();
    },
  };
}
