import { timingSafeEqual } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { EVENT_NAMES, type Envelope, isChannel } from '../../shared/api/ipc.js';
import { toWire } from '../../shared/api/wire.js';
import type { CoreApi } from './core-api.js';
import { SECURITY_HEADERS } from './csp.js';
import { errorBody, sendError } from './replies.js';

export const SECRET_HEADER = 'x-guichet-secret';

export interface ApiOptions {
  core: CoreApi;
  secret: string;
  /** Interval of SSE comment lines that keep proxies and the browser from dropping the stream. */
  heartbeatMs: number;
  /** Open event streams and how to stop each: the host ends them before it closes. */
  streams: Map<ServerResponse, () => void>;
  log?: Logger;
}

const rawPath = (request: FastifyRequest): string => request.url.split('?', 1)[0];

/**
 * The API under /api (registered with that prefix): POST /api/invoke/:channel
 * carries one core call, GET /api/events the core's events as Server-Sent
 * Events. Every route of this scope, the catch-all included, first passes the
 * per-run secret check.
 */
export async function apiRoutes(api: FastifyInstance, options: ApiOptions): Promise<void> {
  const { core, heartbeatMs, streams, log } = options;
  const secretBytes = Buffer.from(options.secret);
  const secretMatches = (given: string | undefined): boolean => {
    if (typeof given !== 'string') return false;
    const bytes = Buffer.from(given);
    return bytes.length === secretBytes.length && timingSafeEqual(bytes, secretBytes);
  };

  api.addHook('onRequest', async (request, reply) => {
    const header = request.headers[SECRET_HEADER];
    let given = Array.isArray(header) ? header[0] : header;
    // EventSource cannot send headers: the events stream alone may carry the secret in its query string.
    if (given === undefined && rawPath(request) === '/api/events') {
      given = new URLSearchParams(request.url.slice(rawPath(request).length)).get('secret') ?? undefined;
    }
    if (!secretMatches(given)) return sendError(reply, 401, errorBody('unauthenticated'));
  });

  api.post<{ Params: { channel: string } }>(
    '/invoke/:channel',
    {
      // Before the body is read: an unknown channel is refused without taking its upload.
      onRequest: async (request, reply) => {
        if (!isChannel(request.params.channel)) return sendError(reply, 404, errorBody('not_found', 'unknown channel'));
      },
    },
    async (request, reply) => {
      // A body-less POST skips the JSON parser: the content type is still required.
      if (!(request.headers['content-type'] ?? '').toLowerCase().startsWith('application/json')) {
        return sendError(reply, 415, errorBody('bad_request', 'content-type must be application/json'));
      }
      const channel = request.params.channel;
      if (!isChannel(channel)) return sendError(reply, 404, errorBody('not_found', 'unknown channel'));
      let envelope: Envelope<unknown>;
      try {
        envelope = await core.invoke(channel, request.body ?? null);
      } catch (err) {
        // The core answers errors as envelopes; a throw is a bug: log its kind, never the input.
        log?.error({ channel, err: err instanceof Error ? err.name : 'unknown' }, 'web host: core.invoke threw');
        envelope = { ok: false, error: errorBody('internal', 'core threw') };
      }
      return reply.header('cache-control', 'no-store').type('application/json; charset=utf-8').send(toWire(envelope));
    },
  );

  api.get('/events', { exposeHeadRoute: false }, (request, reply) => {
    // The stream outlives the handler: fastify hands the raw response over and no longer answers it.
    reply.hijack();
    openEventStream(request, reply.raw);
  });

  // Anything else under /api: a wrong method on a known path, a channel name too long for the router, or no
  // such route. Answered before the body is read.
  const unrouted = async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
    const path = rawPath(request);
    if (/^\/api\/invoke\/[^/]+$/.test(path)) {
      return request.method === 'POST'
        ? sendError(reply, 404, errorBody('not_found', 'unknown channel'))
        : sendError(reply, 405, errorBody('bad_request', 'method'));
    }
    if (path === '/api/events') return sendError(reply, 405, errorBody('bad_request', 'method'));
    return sendError(reply, 404, errorBody('not_found', 'route'));
  };
  api.all('/', { onRequest: unrouted }, unrouted);
  api.all('/*', { onRequest: unrouted }, unrouted);

  function openEventStream(request: FastifyRequest, res: ServerResponse): void {
    res.writeHead(200, {
      ...SECURITY_HEADERS,
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    res.write('retry: 2000\n: connecté\n\n');
    // An event written after end() would throw in the core's emitter: write only into a live stream.
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
      streams.delete(res);
    };
    streams.set(res, cleanup);
    request.raw.on('close', cleanup);
    res.on('close', cleanup);
  }
}
