import pino, { type Logger } from 'pino';

/**
 * Paths never written to the hub log: credentials and anything a user typed.
 * Fastify's request serializer already leaves bodies out; these cover objects
 * passed explicitly to the logger.
 */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  'authorization',
  'password',
  'token',
  'body',
  '*.password',
  '*.token',
  '*.body',
  '*.passwordHash',
  '*.password_hash',
];

/** Query parameters whose values are logged: sync paging only, never a person nor a secret. */
const LOGGED_QUERY_KEYS = new Set(['cursor', 'epoch', 'limit', 'asOf', 'after']);
const MASK = '[masqué]';

/**
 * The request URL as logged: the path, and the query string with every value masked
 * but the sync paging ones. A proxy, a script or a misconfigured client may put a
 * token, a password or a person's name in a query string; the hub log never keeps it.
 */
export function loggedUrl(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return url;
  const params = url
    .slice(q + 1)
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      if (eq < 0) return MASK; // a bare value (`?DUPONT`)
      const key = pair.slice(0, eq);
      return LOGGED_QUERY_KEYS.has(key) ? pair.slice(0, 80) : `${key.slice(0, 40)}=${MASK}`;
    });
  return `${url.slice(0, q)}?${params.join('&')}`;
}

/** Fastify's request serializer, the URL through `loggedUrl`. */
function serializeRequest(req: { method?: string; url?: string; ip?: string; host?: string; socket?: { remotePort?: number } }) {
  return {
    method: req.method,
    url: req.url === undefined ? undefined : loggedUrl(req.url),
    host: req.host,
    remoteAddress: req.ip,
    remotePort: req.socket?.remotePort,
  };
}

export interface HubLoggerOptions {
  level?: string;
  /** Where lines go (default stdout); tests pass a stream to read them back. */
  destination?: pino.DestinationStream;
}

export function createHubLogger(options: HubLoggerOptions = {}): Logger {
  const level = options.level ?? process.env.GUICHET_LOG_LEVEL ?? 'info';
  return pino(
    { level, base: { svc: 'hub' }, redact: { paths: REDACT_PATHS, censor: MASK }, serializers: { req: serializeRequest } },
    options.destination,
  );
}
