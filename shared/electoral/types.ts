import { z } from 'zod';
import { demandFollowUpFields } from './demand-fields.js';

/** The three lists of a commune, as named in REU extracts. */
export const LIST_TYPES = ['LP', 'LCM', 'LCE'] as const;
export type ListType = (typeof LIST_TYPES)[number];
export const LIST_TYPE_LABELS: Record<ListType, string> = {
  LP: 'Liste principale',
  LCM: 'Liste complémentaire municipale',
  LCE: 'Liste complémentaire européenne',
};

/**
 * One elector as held by the hub (collection `electoral.electors`) and the
 * client replica. Identity fields come from the REU and are never edited by
 * the commune. `birthDate` is `AAAA-MM-JJ` with `00` kept for an unknown day
 * or month, exactly as the REU says it.
 */
export interface Elector {
  id: string;
  ine: string | null;
  listType: ListType;
  birthName: string;
  usageName: string | null;
  firstNames: string;
  sex: 'M' | 'F' | null;
  birthDate: string;
  birthPlace: { communeCode: string | null; communeLabel: string | null; departementCode: string | null; country: string | null };
  nationality: string | null;
  address: {
    number: string | null;
    street: string | null;
    complement1: string | null;
    complement2: string | null;
    lieuDit: string | null;
    postalCode: string | null;
    city: string | null;
    country: string | null;
  };
  bureau: { code: string; label: string | null };
  /** Numéro d'ordre dans le bureau de vote: per bureau, renumbered by the REU, may repeat. */
  numeroOrdre: number | null;
}

export interface ElectorSummary {
  id: string;
  listType: ListType;
  birthName: string;
  usageName: string | null;
  firstNames: string;
  birthDate: string;
  bureauCode: string;
  numeroOrdre: number | null;
  city: string | null;
}

export const DEMAND_KINDS = ['inscription', 'radiation', 'changement_adresse', 'changement_bureau'] as const;
export type DemandKind = (typeof DEMAND_KINDS)[number];
export const DEMAND_KIND_LABELS: Record<DemandKind, string> = {
  inscription: 'Inscription',
  radiation: 'Radiation',
  changement_adresse: "Changement d'adresse",
  changement_bureau: 'Changement de bureau',
};

export const DEMAND_STATUSES = ['deposee', 'instruction', 'acceptee', 'refusee', 'abandonnee'] as const;
export type DemandStatus = (typeof DEMAND_STATUSES)[number];
export const DEMAND_STATUS_LABELS: Record<DemandStatus, string> = {
  deposee: 'Déposée',
  instruction: 'En instruction',
  acceptee: 'Acceptée',
  refusee: 'Refusée',
  abandonnee: 'Abandonnée',
};

/** A demand as synced in collection `electoral.demands`. */
/**
 * A demand written by a build before the Cerfa follow-up has no `depositDate` key at all: those builds
 * recorded a demand the day it was deposited, so its deposit day is the day it was typed. Without this, a
 * demand queued on a PC before the upgrade would be refused by the hub after it (« Indiquez la date de dépôt »).
 */
const withLegacyDepositDate = (raw: unknown): unknown => {
  if (typeof raw !== 'object' || raw === null || 'depositDate' in raw) return raw;
  const typed = (raw as { createdAtLocal?: unknown }).createdAtLocal;
  const day = typeof typed === 'string' ? /^\d{4}-\d{2}-\d{2}/.exec(typed)?.[0] : undefined;
  return day ? { ...raw, depositDate: day } : raw;
};

/** The record's fields (for `.pick` in the channel inputs); parse records with `demandSchema`. */
export const demandFieldsSchema = z.object({
  id: z.string().uuid(),
  kind: z.enum(DEMAND_KINDS),
  status: z.enum(DEMAND_STATUSES),
  /** Elector concerned (radiation, changes); null for an inscription. */
  electorId: z.string().max(100).nullable(),
  applicant: z.object({
    birthName: z.string().trim().min(1, 'Le nom de naissance est obligatoire.').max(100),
    usageName: z.string().trim().max(100).nullable(),
    firstNames: z.string().trim().min(1, 'Les prénoms sont obligatoires.').max(200),
    birthDate: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'Date de naissance invalide.'),
  }),
  newAddress: z.string().trim().max(300).nullable(),
  newBureauCode: z.string().trim().max(4).nullable(),
  comment: z.string().trim().max(2000).nullable(),
  /** Display only (who typed it, when on their PC); never used to order or decide anything. */
  createdBy: z.string().max(100),
  createdAtLocal: z.string().max(40),
  /** The list asked for: LP (Cerfa 12669), LCM (12670) or LCE (12671) for EU citizens. */
  list: z.enum(LIST_TYPES).default('LP'),
  ...demandFollowUpFields,
});
export const demandSchema = z.preprocess(withLegacyDepositDate, demandFieldsSchema);
export type Demand = z.infer<typeof demandSchema>;

/** Metadata of an import, synced in collection `electoral.imports` (no personal data). */
export interface ImportRecord {
  id: string;
  fileName: string;
  fileSha256: string;
  /** Date of the extract, from the file name when it has one (AAAA-MM-JJ). */
  extractDate: string | null;
  importedAtLocal: string;
  importedBy: string;
  counts: Record<ListType, number>;
  diff: { added: number; removed: number; changedBureau: number; changedAddress: number };
}
