import { z } from 'zod';
import type { HubRouteSpec } from '../api/contract.js';

/**
 * The files module's contract: a collectivité's content-addressed files
 * (SHA-256) with a resumable, tus-like upload. Each domain that keeps files on
 * the hub mounts the same three routes under its own path, with its own
 * permissions: the hub tags every file with the domain it was sent through, and
 * a file is read only through a domain it is tagged with (an act's PDF by acts
 * permissions, a justificatif by electoral ones).
 *
 * Upload: HEAD answers `upload-offset` (bytes already held); PATCH appends a
 * chunk at `upload-offset` with `upload-length` = total size; the hub checks
 * the SHA-256 when the last byte lands.
 */
export const fileShaParams = z.object({
  /** SHA-256 of the whole file, hexadecimal (any other value answers 404). */
  sha256: z.string().min(1).max(128),
});

const OFFSET = "Nombre d'octets que le hub détient déjà pour ce fichier.";

/** How a domain mounts the files routes. */
export interface FileRoutesOptions {
  /** Path of the collection of files, e.g. `/api/v1/files` (the routes add `/:sha256`). */
  base: string;
  /** OpenAPI group (French). */
  tag: string;
  /** Permission to learn the state of and download a file. */
  read: string;
  /** Permission to upload. */
  write: string;
  /** Largest file accepted, in bytes, and the French sentence of the refusal. */
  maxBytes: number;
  tooLarge: string;
}

/** The three routes of a domain's files (status, upload, download), for its `defineRoutes`. */
export function fileRoutes(o: FileRoutesOptions) {
  const path = `${o.base}/:sha256`;
  return {
    status: {
      method: 'HEAD',
      path,
      tag: o.tag,
      permission: o.read,
      summary: "Où en est l'envoi d'un fichier (octets déjà reçus)",
      params: fileShaParams,
      responses: {
        200: {
          description: 'État du fichier ; 0 octet si le hub ne le connaît pas.',
          headers: { 'upload-offset': OFFSET, 'upload-length': 'Taille totale annoncée, si connue.' },
        },
      },
    },
    upload: {
      method: 'PATCH',
      path,
      tag: o.tag,
      permission: o.write,
      summary: "Ajouter un morceau d'un fichier à la position `upload-offset`",
      description: `Reprise possible après coupure : demander l’état (HEAD) puis reprendre à la position indiquée. ${o.tooLarge}`,
      params: fileShaParams,
      bodyContentType: 'application/offset+octet-stream',
      requestHeaders: {
        'upload-offset': 'Position du morceau (doit égaler les octets déjà reçus).',
        'upload-length': 'Taille totale du fichier.',
      },
      responses: { 204: { description: 'Morceau enregistré.', headers: { 'upload-offset': OFFSET } } },
      errors: {
        409: 'La position ne correspond pas aux octets reçus (`upload-offset` donne la bonne).',
        413: 'Fichier trop grand, ou espace de la collectivité plein.',
        422: "L'empreinte SHA-256 du fichier reçu ne correspond pas : l'envoi recommence à 0.",
      },
    },
    download: {
      method: 'GET',
      path,
      tag: o.tag,
      permission: o.read,
      summary: 'Télécharger un fichier complet de la collectivité',
      params: fileShaParams,
      responses: { 200: { description: 'Les octets du fichier.', contentType: 'application/octet-stream' } },
      errors: { 404: 'Fichier inconnu ou incomplet.' },
    },
  } as const satisfies Record<'status' | 'upload' | 'download', HubRouteSpec>;
}

export type FileRouteSpecs = ReturnType<typeof fileRoutes>;

/** A domain's three file routes as the PC's hub client calls them. */
export interface FileRouteSet {
  status: HubRouteSpec;
  upload: HubRouteSpec;
  download: HubRouteSpec;
}
