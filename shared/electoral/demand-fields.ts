import { z } from 'zod';

/**
 * What a demand carries besides its subject (types.ts): the Cerfa's list, the
 * deposit, the justificatifs, the maire's decision and its notification, the
 * transmission to the REU and the reconciliation with a later extract. Every
 * field has a default so demands written before these fields existed still parse.
 */

/** The pieces a Cerfa asks for (arrêté du 16 novembre 2018; LO.227-4 for EU citizens). */
export const PIECE_KINDS = ['identite', 'attache', 'declaration_ue', 'autre'] as const;
export type PieceKind = (typeof PIECE_KINDS)[number];
export const PIECE_LABELS: Record<PieceKind, string> = {
  identite: "Justificatif d'identité (et de nationalité)",
  attache: 'Justificatif d’attache avec la commune (domicile, résidence, contribuable)',
  declaration_ue: 'Déclaration écrite (nationalité, adresse en France, non-déchéance du droit de vote)',
  autre: 'Autre pièce',
};

/** Scans and PDF only: what a counter scanner or an online demand produces. */
export const JUSTIFICATIF_MIMES = ['application/pdf', 'image/jpeg', 'image/png', 'image/tiff'] as const;
/** 20 Mo: a multi-page colour scan; the hub refuses more. */
export const JUSTIFICATIF_MAX_BYTES = 20 * 1024 * 1024;

const day = () => z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'Date invalide (AAAA-MM-JJ attendu).');

/** One attached file, content-addressed (its bytes live in the PC's store, then on the hub). */
export const justificatifSchema = z.object({
  sha256: z.string().regex(/^[0-9a-f]{64}$/, 'Empreinte SHA-256 invalide.'),
  fileName: z.string().trim().min(1).max(255),
  mime: z.enum(JUSTIFICATIF_MIMES),
  size: z.number().int().positive().max(JUSTIFICATIF_MAX_BYTES),
  piece: z.enum(PIECE_KINDS),
  addedOn: day(),
});
export type Justificatif = z.infer<typeof justificatifSchema>;

/** How a demand was closed by an imported extract (automatic reconciliation). */
export const reconciliationSchema = z.object({
  importId: z.string().min(1).max(100),
  /** The import's extract date (or import day), AAAA-MM-JJ. */
  on: day(),
  /** The elector found (inscription, change) — null for a radiation (the person is gone). */
  electorId: z.string().max(100).nullable(),
  method: z.enum(['ine', 'identite', 'absence']),
});
export type Reconciliation = z.infer<typeof reconciliationSchema>;

/** Spread into `demandSchema` (types.ts). */
export const demandFollowUpFields = {
  /** Day the demand reached the mairie (the 5-day timer starts here). Null only on demands from before it existed. */
  depositDate: day().nullable().default(null),
  /** Nationality, ISO 3166 alpha-2 (EU citizens' lists). */
  nationality: z
    .string()
    .trim()
    .regex(/^[A-Z]{2}$/, 'Nationalité : code pays à deux lettres (FR, BE, DE…).')
    .nullable()
    .default(null),
  /** Birth place as the Cerfa asks it (commune, or commune and country abroad): used to match the extract. */
  birthPlace: z.string().trim().max(200).nullable().default(null),
  /** INE when known (changes, radiations): the surest key to match an extract. */
  ine: z
    .string()
    .trim()
    .regex(/^\d{6,12}$/, 'INE : de 6 à 12 chiffres.')
    .nullable()
    .default(null),
  email: z.string().trim().max(200).email('Adresse électronique invalide.').nullable().default(null),
  justificatifs: z.array(justificatifSchema).max(20).default([]),
  /** Radiation for perte d'attache: day the prior notice (procédure contradictoire) was sent. */
  noticeDate: day().nullable().default(null),
  decisionDate: day().nullable().default(null),
  refusalReason: z.string().trim().max(2000).nullable().default(null),
  notificationDate: day().nullable().default(null),
  reuTransmittedDate: day().nullable().default(null),
  reconciliation: reconciliationSchema.nullable().default(null),
};
