import path from 'node:path';
import fastifyMultipart from '@fastify/multipart';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { MAX_ARCHIVE_CONTENT_BYTES } from '../acts/actes-format/archive.js';

/**
 * The simulator's HTTPS front: POST / or /actes takes an ACTES archive as
 * multipart/form-data through @fastify/multipart (S²LOW sends one file part
 * named after the archive, STELA a part `file` plus text fields: the one part
 * with a file name is the archive), and answers 201 once it is received,
 * before it is checked (the checks answer by e-mail, like the ministry).
 * /health and /admin/* drive the simulator.
 */
export interface SimHttpOptions {
  keyPem: string;
  certPem: string;
  /** Largest archive accepted, in bytes; a larger one gets 413. */
  maxArchiveBytes?: number;
  /** An archive received whole: store it and check it (answers go by e-mail, not in this response). */
  onArchive(archiveName: string, archive: Buffer): void;
  listActs(): unknown[];
  sendLetter(request: unknown): Promise<unknown>;
}

/**
 * Any archive the hub may send fits: it refuses more than 150 Mo of act and
 * annexes (shared/acts/rules.ts), and its own archive reader takes this much
 * once inflated.
 */
export const DEFAULT_MAX_ARCHIVE_BYTES = MAX_ARCHIVE_CONTENT_BYTES;

const ARCHIVE_ROUTES = new Set(['/', '/actes']);

const ko = (reason: string): string => `KO\n${reason}`;

const sizeInFrench = (bytes: number): string =>
  bytes >= 1024 * 1024 ? `${Math.floor(bytes / 1024 / 1024)} Mo` : `${Math.floor(bytes / 1024)} Ko`;

/** The French reason of a refused upload, from @fastify/multipart's and fastify's error codes. */
function uploadRefusal(error: FastifyError, maxArchiveBytes: number): { status: number; text: string } {
  switch (error.code) {
    case 'FST_REQ_FILE_TOO_LARGE':
      return { status: 413, text: ko(`Archive trop volumineuse : ${sizeInFrench(maxArchiveBytes)} au plus.`) };
    case 'FST_FILES_LIMIT':
    case 'FST_PARTS_LIMIT':
    case 'FST_FIELDS_LIMIT':
      return { status: 413, text: ko('Trop de parties dans la requête : une seule archive par envoi.') };
    case 'FST_INVALID_MULTIPART_CONTENT_TYPE':
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return { status: 400, text: ko('Aucune archive dans la requête (multipart/form-data attendu).') };
    default:
      // busboy's own errors (truncated body, part without headers, no boundary) carry no status.
      return { status: 400, text: ko('Requête multipart mal formée : archive non reçue.') };
  }
}

export async function createSimHttpServer(opts: SimHttpOptions): Promise<FastifyInstance> {
  const maxArchiveBytes = opts.maxArchiveBytes ?? DEFAULT_MAX_ARCHIVE_BYTES;
  const app = Fastify({ https: { key: opts.keyPem, cert: opts.certPem }, logger: false, forceCloseConnections: true });
  await app.register(fastifyMultipart, {
    limits: { fileSize: maxArchiveBytes, files: 1, fields: 20, fieldSize: 64 * 1024, parts: 21, headerPairs: 100 },
  });

  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (request.method === 'POST' && ARCHIVE_ROUTES.has(request.url.split('?', 1)[0])) {
      const { status, text } = uploadRefusal(error, maxArchiveBytes);
      return reply.code(status).type('text/plain; charset=utf-8').send(text);
    }
    if (error.statusCode === 400) return reply.code(400).send({ message: 'Corps JSON invalide.' });
    return reply.code(error.statusCode ?? 500).send({ message: error.message });
  });
  app.setNotFoundHandler((_request, reply) => reply.code(404).type('text/plain; charset=utf-8').send('Not found'));

  app.get('/health', async (_request, reply) => reply.type('text/plain; charset=utf-8').send('OK'));
  app.get('/admin/acts', async () => opts.listActs());
  app.post('/admin/letters', async (request, reply) => {
    try {
      return reply.code(202).send(await opts.sendLetter(request.body));
    } catch (err) {
      const { statusCode, message } = err as Error & { statusCode?: number };
      return reply.code(statusCode ?? 500).send({ message });
    }
  });

  const receiveArchive = async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
    // Every part is read: text fields are skipped, a second file fails the `files` limit (413).
    let archive: { name: string; content: Buffer } | undefined;
    for await (const part of request.parts()) {
      if (part.type === 'file') archive = { name: part.filename, content: await part.toBuffer() };
    }
    if (!archive || archive.content.length === 0) {
      return reply.code(400).type('text/plain; charset=utf-8').send(ko('Aucune archive dans la requête.'));
    }
    opts.onArchive(path.basename(archive.name) || `archive-${Date.now()}.tar.gz`, archive.content);
    return reply.code(201).type('text/plain; charset=utf-8').send('OK');
  };
  app.post('/', receiveArchive);
  app.post('/actes', receiveArchive);
  return app;
}
