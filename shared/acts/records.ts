import { z } from 'zod';
import { actDraftSchema } from './draft.js';

/**
 * What the legality-control service syncs (collections in shared/sync/protocol.ts):
 * - `acts.acts`: the act as the commune drafted it — written by clients only;
 * - `acts.status`: where the act is in its journey to the prefecture — written by the hub only
 *   (one record per act, same id), so a status change never conflicts with an edit;
 * - `acts.classification`: the prefecture's classification, one record `current` — hub only.
 * Files (act PDF, annexes, letters) are content-addressed by SHA-256 and travel through the
 * file routes of shared/api/hub.ts, never inside records.
 */

/** A file as referenced from a record. */
export const storedFileSchema = z.object({
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  fileName: z.string().min(1).max(255),
  size: z.number().int().nonnegative(),
  mime: z.enum(['application/pdf', 'application/xml', 'image/png', 'image/jpeg']),
});
export type StoredFile = z.infer<typeof storedFileSchema>;

/** Statuses after S²LOW's lifecycle (codes kept, so support people who know S²LOW recognise them). */
export const ACT_STATES = {
  brouillon: { s2low: 17, label: 'Brouillon' },
  signe: { s2low: 18, label: 'Signé, prêt à transmettre' },
  poste: { s2low: 1, label: "En attente d'envoi" },
  en_attente: { s2low: 2, label: 'En attente de transmission' },
  transmis: { s2low: 3, label: 'Transmis à la préfecture' },
  acquitte: { s2low: 4, label: 'Accusé de réception reçu' },
  erreur: { s2low: -1, label: 'Erreur' },
  annulation_demandee: { s2low: 2, label: "Demande d'annulation envoyée" },
  annule: { s2low: 0, label: 'Annulé' },
} as const;
export type ActState = keyof typeof ACT_STATES;

/** `acts.acts` record: the draft plus its files and signature, as written by the commune. */
export const actRecordSchema = z.object({
  id: z.string().uuid(),
  draft: actDraftSchema,
  actFile: storedFileSchema.nullable(),
  annexFiles: z.array(storedFileSchema),
  /** Set once the act PDF is signed on the PC: the signed file replaces `actFile`. */
  signature: z
    .object({
      signerName: z.string().max(300),
      signedAtLocal: z.string().max(40),
      certificateSerial: z.string().max(100),
      /** SHA-256 of the signer certificate (lower-case hex); absent on acts signed before it was kept. */
      certificateSha256: z
        .string()
        .regex(/^[0-9a-f]{64}$/)
        .optional(),
      /** The certificate named no SIREN: who confirmed it is the collectivité's, and when (shared/acts/signer-certificate.ts). */
      noSirenConfirmation: z
        .object({
          by: z.string().max(300),
          at: z.string().max(40),
          certificateSubject: z.string().max(1000),
          certificateSha256: z.string().regex(/^[0-9a-f]{64}$/),
        })
        .optional(),
    })
    .nullable(),
  /** The commune asked to transmit (only a role with `acts.transmit`). */
  transmitRequested: z.boolean(),
  createdBy: z.string().max(100),
  createdAtLocal: z.string().max(40),
});
export type ActRecord = z.infer<typeof actRecordSchema>;

export interface ActTimelineEntry {
  /** Hub time (ISO); hub clock, never a client clock. */
  at: string;
  state: ActState;
  label: string;
  detail?: string;
}

/** A letter from the prefecture (2-1, 3-1, 4-1, 5-1) or the commune's answer (2-2, 3-2…3-4, 4-2…4-4). */
export interface ActLetter {
  id: string;
  type: '2-1' | '3-1' | '4-1' | '5-1' | '2-2' | '3-2' | '3-3' | '3-4' | '4-2' | '4-3' | '4-4';
  direction: 'recu' | 'envoye';
  label: string;
  date: string;
  files: StoredFile[];
  state: 'recu' | 'en_attente' | 'transmis' | 'acquitte' | 'erreur';
}

/** `acts.status` record (id = the act's id), written by the hub. */
export interface ActStatusRecord {
  actId: string;
  state: ActState;
  idActe: string | null;
  /** `DateReception` of the ARActe (YYYY-MM-DD). */
  dateReception: string | null;
  archiveName: string | null;
  timeline: ActTimelineEntry[];
  letters: ActLetter[];
  /** Last anomaly or transport error, in French. */
  error: string | null;
}

const LETTER_TYPES = ['2-1', '3-1', '4-1', '5-1', '2-2', '3-2', '3-3', '3-4', '4-2', '4-3', '4-4'] as const;
const actStates = Object.keys(ACT_STATES) as [ActState, ...ActState[]];

/** The `acts.status` record as the hub writes it, bounded (a long exchange with the prefecture stays well within). */
export const actStatusRecordSchema: z.ZodType<ActStatusRecord> = z.object({
  actId: z.string().max(100),
  state: z.enum(actStates),
  idActe: z.string().max(100).nullable(),
  dateReception: z.string().max(10).nullable(),
  archiveName: z.string().max(200).nullable(),
  timeline: z
    .array(
      z.object({ at: z.string().max(40), state: z.enum(actStates), label: z.string().max(300), detail: z.string().max(2000).optional() }),
    )
    .max(500),
  letters: z
    .array(
      z.object({
        id: z.string().max(100),
        type: z.enum(LETTER_TYPES),
        direction: z.enum(['recu', 'envoye']),
        label: z.string().max(300),
        date: z.string().max(40),
        files: z.array(storedFileSchema).max(50),
        state: z.enum(['recu', 'en_attente', 'transmis', 'acquitte', 'erreur']),
      }),
    )
    .max(200),
  error: z.string().max(2000).nullable(),
});
