import { z } from 'zod';
import { defineRoutes } from '../api/contract.js';
import { fileRoutes } from '../files/routes.js';

/** Pastell's 150 Mo limit on act + annexes: no single file can exceed it either. */
export const ACT_FILE_MAX_BYTES = 150 * 1024 * 1024;

/**
 * The acts domain's hub routes (merged into the hub contract by
 * shared/domains.ts): the collectivité's content-addressed files (acts,
 * annexes, letters) with a resumable, tus-like upload, and the audit copy of
 * what was sent to the prefecture. All need the `acts` service.
 *
 * Upload: HEAD answers `upload-offset` (bytes already held); PATCH appends a
 * chunk at `upload-offset` with `upload-length` = total size; the hub checks
 * the SHA-256 when the last byte lands.
 */
/** The act's id (a UUID; any other value answers 404). */
const actIdParams = z.object({ id: z.string().min(1).max(100) });

/** A CA certificate of the département's trust list for signatures. */
export const trustAnchorSchema = z.object({
  /** SHA-256 of the certificate's DER, lower-case hex. */
  fingerprint: z.string().regex(/^[0-9a-f]{64}$/),
  subject: z.string().max(1000),
  notAfter: z.string().max(40),
  pem: z.string().max(20_000),
});
export type TrustAnchor = z.infer<typeof trustAnchorSchema>;
/** The serials a listed CA revoked, from a CRL the département added (its signature checked by the hub against that CA). */
export const trustCrlSchema = z.object({
  /** Fingerprint of the listed CA that signed the CRL. */
  caFingerprint: z.string().regex(/^[0-9a-f]{64}$/),
  issuer: z.string().max(1000),
  thisUpdate: z.string().max(40),
  nextUpdate: z.string().max(40).nullable(),
  revoked: z.array(z.object({ serial: z.string().regex(/^[0-9a-f]{1,64}$/), revokedAt: z.string().max(40) })).max(100_000),
});
export type TrustCrl = z.infer<typeof trustCrlSchema>;
export const trustListSchema = z.object({
  anchors: z.array(trustAnchorSchema).max(500),
  /** Absent from hubs before CRLs: none. */
  crls: z.array(trustCrlSchema).max(500).default([]),
  /** « Bloquer les autorités non reconnues »: no signature (PC) nor transmission (hub) with an unlisted CA. */
  requireListed: z.boolean().default(false),
});
export type TrustList = z.infer<typeof trustListSchema>;

/** The acts' files (PDF, annexes, letters): the files module's routes under `/api/v1/files`, ruled by acts permissions. */
function actsFileRoutes() {
  const r = fileRoutes({
    base: '/api/v1/files',
    tag: 'Actes',
    read: 'acts.read',
    write: 'acts.draft',
    maxBytes: ACT_FILE_MAX_BYTES,
    tooLarge: '150 Mo au plus (limite de la préfecture).',
  });
  return { fileStatus: r.status, fileUpload: r.upload, fileDownload: r.download };
}

export const ACTS_HUB_ROUTES = defineRoutes({
  ...actsFileRoutes(),
  trustList: {
    method: 'GET',
    path: '/api/v1/trust-list',
    tag: 'Actes',
    public: true,
    summary: 'Liste de confiance du département : les autorités de certification reconnues pour les signatures',
    description:
      'Certificats publics des AC choisies par le département (`guichet hub admin trust-list`). Publique : tout vérificateur d’un acte signé peut la lire ; les postes en gardent une copie pour vérifier hors ligne.',
    responses: { 200: { description: 'Les AC reconnues.', schema: trustListSchema } },
  },
  actArchive: {
    method: 'GET',
    path: '/api/v1/acts/:id/archive',
    tag: 'Actes',
    permission: 'acts.read',
    summary: "L'archive .tar.gz envoyée à la préfecture pour un acte (audit)",
    params: actIdParams,
    responses: { 200: { description: "L'archive telle que transmise.", contentType: 'application/gzip' } },
    errors: { 404: 'Aucune archive transmise pour cet acte.' },
  },
});
