import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import { Readable } from 'node:stream';
import type { Service } from '../../shared/accounts/roles.js';
import type { HubRouteSpec } from '../../shared/api/contract.js';
import type { DomainRegistry } from '../../shared/domain/registry.js';
import { GuichetError, type ErrorBody } from '../../shared/errors.js';
import type { AuthContext } from '../accounts/auth-context.js';
import { requireAuth } from '../accounts/auth.js';
import { parseRequest } from '../contract.js';
import type { HubDatabase } from '../db/schema.js';
import { assertMayUse } from '../domain/access.js';
import {
  appendToFile,
  bytesHeld,
  DEFAULT_FILES_QUOTA_BYTES,
  fileChunks,
  fileState,
  HashMismatch,
  OffsetMismatch,
  SHA256_HEX,
  tagFile,
} from './store.js';

/**
 * Resumable, content-addressed upload (tus-like headers): HEAD tells how many
 * bytes the hub holds, PATCH appends at that offset. The body is written in
 * pieces as it arrives, so a connection cut mid-chunk keeps what got through
 * and the client resumes from the next HEAD.
 */
const UPLOAD_CONTENT_TYPE = 'application/offset+octet-stream';
/** Bytes buffered before each database append (one row per piece). */
const PIECE_BYTES = 1024 * 1024;

/** The file's SHA-256 from the path (parsed with the contract); anything but 64 hex digits answers like an unknown file. */
function shaParam(request: FastifyRequest, route: HubRouteSpec): string {
  const sha = (parseRequest(route, request).params as { sha256: string }).sha256.toLowerCase();
  if (!SHA256_HEX.test(sha)) throw new GuichetError('not_found', "Ce fichier n'existe pas sur le hub.", 'not a sha256');
  return sha;
}

function intHeader(request: FastifyRequest, name: string): number | null {
  const v = request.headers[name];
  if (typeof v !== 'string' || !/^\d{1,15}$/.test(v)) return null;
  return Number(v);
}

function sendError(reply: FastifyReply, status: number, body: ErrorBody): FastifyReply {
  return reply.code(status).send(body);
}

/** « 1,5 Go », « 150,0 Mo »: sizes as the user reads them. */
function frenchSize(bytes: number): string {
  const gb = bytes / 1024 ** 3;
  return gb >= 1 ? `${gb.toFixed(1).replace('.', ',')} Go` : `${(bytes / 1024 ** 2).toFixed(1).replace('.', ',')} Mo`;
}

function quotaRefusal(held: number, quota: number, size: number): ErrorBody {
  return {
    code: 'forbidden',
    message: `L'espace réservé aux fichiers de votre collectivité sur le hub (actes, pièces des demandes) est plein (${frenchSize(held)} utilisés sur ${frenchSize(quota)}) : ce fichier de ${frenchSize(size)} ne peut pas être reçu. Demandez au service départemental d'agrandir cet espace.`,
    detail: `quota ${quota}, held ${held}, upload-length ${size}`,
  };
}

export interface FileLimits {
  /** Cap on a collectivité's stored + in-progress bytes, all domains together (default 2 GiB). */
  quotaBytes?: number;
}

/** A domain's mount of the files routes: its declaration (id, service), its three routes and its size limit. */
export interface FileMount {
  domain: { id: string; service: Service | null };
  routes: { status: HubRouteSpec; upload: HubRouteSpec; download: HubRouteSpec };
  maxBytes: number;
  /** French refusal of a file over `maxBytes`. */
  tooLarge: string;
}

/**
 * Mounts the files routes of one domain in its fastify scope: access is the registry's `mayUse`
 * with the domain's service and the routes' permissions, and a file is seen only through a domain
 * it was sent through (file_tags).
 */
export function registerFileRoutes(
  app: FastifyInstance,
  db: Kysely<HubDatabase>,
  registry: DomainRegistry,
  mount: FileMount,
  limits: FileLimits = {},
): void {
  const quota = limits.quotaBytes ?? DEFAULT_FILES_QUOTA_BYTES;
  const { domain, routes } = mount;
  const callerFor = (request: FastifyRequest, permission: string | undefined): AuthContext => {
    const auth = requireAuth(request);
    assertMayUse(registry, auth, domain.service, permission ?? '');
    return auth;
  };
  // The raw stream is handed to the route, which writes it piece by piece.
  if (!app.hasContentTypeParser(UPLOAD_CONTENT_TYPE))
    app.addContentTypeParser(UPLOAD_CONTENT_TYPE, (_request, payload, done) => done(null, payload));

  app.head(routes.status.path, async (request, reply) => {
    const auth = callerFor(request, routes.status.permission);
    const state = await fileState(db, auth.communeId, shaParam(request, routes.status), domain.id);
    reply.header('upload-offset', String(state ? state.received : 0));
    if (state) reply.header('upload-length', String(state.size));
    reply.header('cache-control', 'no-store');
    return reply.code(200).send();
  });

  // Service and role checked before any byte of the body is read (onRequest).
  const mayUpload = {
    onRequest: async (request: FastifyRequest) => {
      callerFor(request, routes.upload.permission);
    },
  };
  app.patch(routes.upload.path, mayUpload, async (request, reply) => {
    const auth = callerFor(request, routes.upload.permission);
    const sha = shaParam(request, routes.upload);
    const offset = intHeader(request, 'upload-offset');
    const total = intHeader(request, 'upload-length');
    if (offset === null || total === null || offset > total) {
      throw new GuichetError(
        'bad_request',
        'Le transfert du fichier est mal formé. Mettez Guichet à jour si cela se reproduit.',
        'upload-offset / upload-length missing or invalid',
      );
    }
    if (total > mount.maxBytes) {
      return sendError(reply, 413, { code: 'invalid_input', message: mount.tooLarge, detail: `upload-length ${total}` });
    }
    const before = await fileState(db, auth.communeId, sha);
    // The collectivité already holds (some of) these bytes, sent through another domain or received
    // by the hub itself: one copy, one more tag, and the upload goes on from where the bytes are.
    if (before) await tagFile(db, auth.communeId, sha, domain.id);
    if (before?.complete) return reply.code(204).header('upload-offset', String(before.size)).send();
    if (!before) {
      // A new upload reserves its announced size; one already started was counted when it began.
      const held = await bytesHeld(db, auth.communeId);
      if (held + total > quota) {
        request.log.info({ communeId: auth.communeId, held, quota, total }, 'upload refused: quota');
        return sendError(reply, 413, quotaRefusal(held, quota, total));
      }
    }
    if ((before?.received ?? 0) !== offset) {
      return sendError(
        reply.header('upload-offset', String(before?.received ?? 0)),
        409,
        new OffsetMismatch(before?.received ?? 0).toBody(),
      );
    }
    if (!request.headers['content-type']?.startsWith(UPLOAD_CONTENT_TYPE) && total > offset) {
      throw new GuichetError('bad_request', 'Le transfert du fichier est mal formé.', `content-type must be ${UPLOAD_CONTENT_TYPE}`);
    }
    const body = request.body as Readable | undefined;
    let position = offset;
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    const flush = async () => {
      if (pendingBytes === 0 && total !== 0) return null;
      const data = Buffer.concat(pending);
      pending = [];
      pendingBytes = 0;
      const state = await appendToFile(db, auth.communeId, domain.id, sha, position, total, data);
      position = state.received;
      return state;
    };
    try {
      let cut = false;
      if (body && typeof (body as Readable)[Symbol.asyncIterator] === 'function') {
        try {
          for await (const chunk of body as AsyncIterable<Buffer>) {
            if (position + pendingBytes + chunk.length > total) {
              throw new GuichetError(
                'bad_request',
                'Le fichier envoyé est plus long que la taille annoncée.',
                'body exceeds upload-length',
              );
            }
            pending.push(chunk);
            pendingBytes += chunk.length;
            if (pendingBytes >= PIECE_BYTES) await flush();
          }
        } catch (err) {
          if (err instanceof GuichetError) throw err;
          cut = true; // client went away: keep what arrived
        }
      }
      const state = await flush();
      if (cut) {
        request.log.info({ communeId: auth.communeId, received: position, total }, 'upload cut, partial kept');
        return reply.code(400).send({ code: 'bad_request', message: 'Transfert interrompu.', detail: 'connection cut' });
      }
      const done = state ?? (await fileState(db, auth.communeId, sha));
      return reply
        .code(204)
        .header('upload-offset', String(done?.received ?? position))
        .send();
    } catch (err) {
      if (err instanceof HashMismatch) return sendError(reply.header('upload-offset', '0'), 422, err.toBody());
      if (err instanceof OffsetMismatch) return sendError(reply.header('upload-offset', String(err.current)), 409, err.toBody());
      throw err;
    }
  });

  app.get(routes.download.path, async (request, reply) => {
    const auth = callerFor(request, routes.download.permission);
    const sha = shaParam(request, routes.download);
    const state = await fileState(db, auth.communeId, sha, domain.id);
    // Another collectivité's file, or another domain's, answers exactly like an unknown one.
    if (!state?.complete) throw new GuichetError('not_found', "Ce fichier n'existe pas sur le hub.", 'unknown or incomplete file');
    // Streamed piece by piece: a 150 MB file is never held whole in memory.
    return reply
      .header('content-type', 'application/octet-stream')
      .header('cache-control', 'private, max-age=31536000, immutable')
      .header('content-length', String(state.size))
      .send(Readable.from(fileChunks(db, auth.communeId, sha)));
  });
}
