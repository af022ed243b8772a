import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { realpath } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pipeline } from 'node:stream';
import type { Logger } from 'pino';
import { EVENT_NAMES, isChannel, type Envelope } from '../../shared/api/ipc.js';
import { fromWire, toWire } from '../../shared/api/wire.js';
import type { ErrorBody, ErrorCode } from '../../shared/errors.js';
import type { CoreApi } from './core-api.js';
import { SECURITY_HEADERS } from './csp.js';
import { contentTypeOf, resolveStatic } from './static-files.js';

/**
 * The web host: the same core API as the Electron preload, over HTTP on the
 * loopback, so the renderer runs in a plain browser (e2e tests, PCs where the
 * desktop app cannot be installed).
 *
 * Threat model: any web page the user visits can send requests to
 * 127.0.0.1. Hence (1) a per-run random secret on every API call, handed to
 * the page only through the URL fragment (never sent over the network by the
 * browser, never in a Referer); (2) the Host header must name the loopback
 * port (DNS rebinding); (3) a foreign Origin is refused.
 */
export interface WebHostOptions {
  core: CoreApi;
  /** Loopback only: '127.0.0.1' (default) or 'localhost'. */
  host?: '127.0.0.1' | 'localhost';
  /** 0 (default) picks a free port. */
  port?: number;
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

export const SECRET_HEADER = 'x-guichet-secret';
const DEFAULT_BODY_LIMIT = 200 * 1024 * 1024;
const DEFAULT_HEARTBEAT_MS = 15_000;

const MESSAGES: Partial<Record<ErrorCode, string>> = {
  unauthenticated: "Accès refusé : ouvrez Guichet avec l'adresse complète affichée au démarrage.",
  forbidden: 'Requête refusée : elle ne vient pas de la page Guichet.',
  not_found: "Cette fonction n'existe pas.",
  bad_request: 'La requête est mal formée.',
  internal: "Une erreur interne est survenue. Réessayez ; si elle persiste, contactez l'assistance.",
};

function errorBody(code: ErrorCode, detail?: string, message = MESSAGES[code] ?? MESSAGES.internal!): ErrorBody {
  return detail === undefined ? { code, message } : { code, message, detail };
}

export async function startWebHost(options: WebHostOptions): Promise<WebHost> {
  const { core, host = '127.0.0.1', port = 0, log } = options;
  if (host !== '127.0.0.1' && host !== 'localhost') throw new Error(`web host: refusing to bind a non-loopback address (${String(host)})`);
  const bodyLimit = options.bodyLimit ?? DEFAULT_BODY_LIMIT;
  const heartbeatMs = options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS;
  const rendererDir = await realpath(options.rendererDir).catch(() => options.rendererDir);
  const secret = randomBytes(32).toString('base64url');
  const secretBytes = Buffer.from(secret);
  /** Open SSE streams and how to unsubscribe each: an event written after end() would throw in the core. */
  const openStreams = new Map<ServerResponse, () => void>();
  let allowedHosts: Set<string> = new Set();
  let allowedOrigins: Set<string> = new Set();

  const secretMatches = (given: string | null | undefined): boolean => {
    if (typeof given !== 'string') return false;
    const bytes = Buffer.from(given);
    return bytes.length === secretBytes.length && timingSafeEqual(bytes, secretBytes);
  };

  const sendJson = (res: ServerResponse, status: number, body: unknown): void => {
    const text = JSON.stringify(body);
    res.writeHead(status, {
      ...SECURITY_HEADERS,
      'content-type': 'application/json; charset=utf-8',
      'cache-control': 'no-store',
      'content-length': Buffer.byteLength(text),
    });
    res.end(text);
  };
  const sendError = (res: ServerResponse, status: number, error: ErrorBody): void => {
    const envelope: Envelope<never> = { ok: false, error };
    sendJson(res, status, envelope);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      log?.error({ err: err instanceof Error ? err.name : 'unknown' }, 'web host: unexpected failure');
      if (!res.headersSent) sendError(res, 500, errorBody('internal'));
      else res.destroy();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://placeholder');
    const isApi = url.pathname === '/api' || url.pathname.startsWith('/api/');
    // DNS rebinding: a hostile name resolving to 127.0.0.1 still carries its own Host.
    if (!allowedHosts.has((req.headers.host ?? '').toLowerCase())) {
      return isApi ? sendError(res, 403, errorBody('forbidden', 'host')) : plain(res, 403, 'Hôte refusé.');
    }
    const origin = req.headers.origin;
    if (origin !== undefined && !allowedOrigins.has(origin.toLowerCase())) {
      return isApi ? sendError(res, 403, errorBody('forbidden', 'origin')) : plain(res, 403, 'Origine refusée.');
    }
    if (!isApi) return serveStatic(req, res, url.pathname);

    const given =
      url.pathname === '/api/events' ? (req.headers[SECRET_HEADER] ?? url.searchParams.get('secret')) : req.headers[SECRET_HEADER];
    if (!secretMatches(Array.isArray(given) ? given[0] : given)) return sendError(res, 401, errorBody('unauthenticated'));

    if (url.pathname === '/api/events') {
      if (req.method !== 'GET') return sendError(res, 405, errorBody('bad_request', 'method'));
      return openEventStream(req, res);
    }
    const match = /^\/api\/invoke\/([^/]+)$/.exec(url.pathname);
    if (!match) return sendError(res, 404, errorBody('not_found', 'route'));
    if (req.method !== 'POST') return sendError(res, 405, errorBody('bad_request', 'method'));
    let channel: string;
    try {
      channel = decodeURIComponent(match[1]);
    } catch {
      return sendError(res, 400, errorBody('bad_request', 'channel encoding'));
    }
    if (!isChannel(channel)) return sendError(res, 404, errorBody('not_found', 'unknown channel'));
    const contentType = req.headers['content-type'] ?? '';
    if (!contentType.toLowerCase().startsWith('application/json'))
      return sendError(res, 415, errorBody('bad_request', 'content-type must be application/json'));

    const body = await readBody(req, bodyLimit);
    if (body === 'too_large') {
      // Stop the upload: answer, then drop the connection once the answer is out.
      res.setHeader('connection', 'close');
      res.on('finish', () => req.destroy());
      return sendError(res, 413, errorBody('bad_request', 'body too large', 'Le fichier envoyé est trop volumineux (200 Mo au plus).'));
    }
    let input: unknown;
    try {
      input = body.length === 0 ? null : fromWire(JSON.parse(body.toString('utf8')));
    } catch {
      return sendError(res, 400, errorBody('bad_request', 'invalid JSON body'));
    }
    let envelope: Envelope<unknown>;
    try {
      envelope = await core.invoke(channel, input);
    } catch (err) {
      // The core answers errors as envelopes; a throw is a bug: log its kind, never the input.
      log?.error({ channel, err: err instanceof Error ? err.name : 'unknown' }, 'web host: core.invoke threw');
      envelope = { ok: false, error: errorBody('internal', 'core threw') };
    }
    sendJson(res, 200, toWire(envelope));
  }

  function openEventStream(req: IncomingMessage, res: ServerResponse): void {
    res.writeHead(200, {
      ...SECURITY_HEADERS,
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    res.write('retry: 2000\n: connecté\n\n');
    const send = (text: string): void => {
      if (!res.writableEnded && !res.destroyed) res.write(text);
    };
    const unsubscribes = EVENT_NAMES.map((name) =>
      core.on(name, (payload) => {
        send(`event: ${name}\ndata: ${JSON.stringify(toWire(payload))}\n\n`);
      }),
    );
    const heartbeat = setInterval(() => send(': ping\n\n'), heartbeatMs);
    heartbeat.unref();
    let cleaned = false;
    const cleanup = (): void => {
      if (cleaned) return;
      cleaned = true;
      clearInterval(heartbeat);
      for (const unsubscribe of unsubscribes) unsubscribe();
      openStreams.delete(res);
    };
    openStreams.set(res, cleanup);
    req.on('close', cleanup);
    res.on('close', cleanup);
  }

  async function serveStatic(req: IncomingMessage, res: ServerResponse, pathname: string): Promise<void> {
    if (req.method !== 'GET' && req.method !== 'HEAD') return plain(res, 405, 'Méthode non permise.');
    const found = await resolveStatic(rendererDir, pathname);
    if (found.kind === 'bad_request') return plain(res, 400, 'Chemin refusé.');
    if (found.kind === 'not_found') {
      return pathname === '/' || pathname === '/index.html'
        ? plain(res, 503, "L'interface n'est pas construite : lancez « npm run build:renderer ».")
        : plain(res, 404, 'Fichier introuvable.');
    }
    const isHtml = found.path.endsWith('.html');
    res.writeHead(200, {
      ...SECURITY_HEADERS,
      'content-type': contentTypeOf(found.path),
      'content-length': found.size,
      // Hashed assets can be cached; index.html must be re-read to pick up a new build.
      'cache-control': isHtml ? 'no-cache' : 'public, max-age=31536000, immutable',
    });
    if (req.method === 'HEAD') return void res.end();
    // pipeline, not pipe: a file gone since it was resolved (a rebuild) must end this answer, not crash the core.
    pipeline(createReadStream(found.path), res, (err) => {
      if (err) log?.warn({ code: (err as NodeJS.ErrnoException).code }, 'web host: static file could not be read');
    });
  }

  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolveListen();
    });
  });
  const boundPort = (server.address() as AddressInfo).port;
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
      for (const [stream, cleanup] of openStreams) {
        cleanup();
        stream.end();
      }
      await new Promise<void>((resolveClose) => {
        server.close(() => resolveClose());
        server.closeAllConnections();
      });
    },
  };
}

function plain(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { ...SECURITY_HEADERS, 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** Reads the whole body, or answers 'too_large' as soon as it passes `limit` (checked on Content-Length first). */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer | 'too_large'> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) return Promise.resolve('too_large');
  return new Promise((resolveBody, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    req.on('data', (chunk: Buffer) => {
      if (done) return;
      size += chunk.length;
      if (size > limit) {
        done = true;
        resolveBody('too_large');
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (!done) resolveBody(Buffer.concat(chunks));
    });
    req.on('error', reject);
  });
}
