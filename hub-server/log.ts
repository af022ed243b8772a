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

export interface HubLoggerOptions {
  level?: string;
  /** Where lines go (default stdout); tests pass a stream to read them back. */
  destination?: pino.DestinationStream;
}

export function createHubLogger(options: HubLoggerOptions = {}): Logger {
  const level = options.level ?? process.env.GUICHET_LOG_LEVEL ?? 'info';
  return pino({ level, base: { svc: 'hub' }, redact: { paths: REDACT_PATHS, censor: '[masqué]' } }, options.destination);
}
