import type { FastifyReply } from 'fastify';
import type { Envelope } from '../../shared/api/ipc.js';
import type { ErrorBody, ErrorCode } from '../../shared/errors.js';

/** The web host's own refusals, in French; the API answers them as envelopes the bridge unwraps. */
const MESSAGES: Partial<Record<ErrorCode, string>> = {
  unauthenticated: "Accès refusé : ouvrez Guichet avec l'adresse complète affichée au démarrage.",
  forbidden: 'Requête refusée : elle ne vient pas de la page Guichet.',
  not_found: "Cette fonction n'existe pas.",
  bad_request: 'La requête est mal formée.',
  internal: "Une erreur interne est survenue. Réessayez ; si elle persiste, contactez l'assistance.",
};

export function errorBody(code: ErrorCode, detail?: string, message = MESSAGES[code] ?? MESSAGES.internal!): ErrorBody {
  return detail === undefined ? { code, message } : { code, message, detail };
}

export function sendError(reply: FastifyReply, status: number, error: ErrorBody): FastifyReply {
  const envelope: Envelope<never> = { ok: false, error };
  return reply.code(status).header('cache-control', 'no-store').type('application/json; charset=utf-8').send(envelope);
}

/** Answers outside the API (static files, refused pages) are short French sentences. */
export function sendPlain(reply: FastifyReply, status: number, text: string): FastifyReply {
  return reply.code(status).type('text/plain; charset=utf-8').send(text);
}

/** Paths of the API, answered as envelopes; every other path is the renderer's. */
export function isApiPath(url: string): boolean {
  const path = url.split('?', 1)[0];
  return path === '/api' || path.startsWith('/api/');
}
