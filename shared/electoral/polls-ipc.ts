/**
 * Channels of the poll, the prints and the registers (issue 10): merged into
 * the electoral domain's channels in shared/electoral/domain.ts.
 */
import { z } from 'zod';
import type { ChannelSpec, InputSchemas } from '../api/channel.js';
import {
  bureauSchema,
  communicationSchema,
  consultationSchema,
  pollSchema,
  procurationSchema,
  type Bureau,
  type Communication,
  type Consultation,
  type Poll,
  type Procuration,
} from './registers.js';
import { streetRangeSchema, type StreetRange } from './streets.js';

export const CARD_PAQUETS = ['nouvelles', 'office', 'changements', 'refonte'] as const;
export type CardPaquet = (typeof CARD_PAQUETS)[number];
export const CARD_PAQUET_LABELS: Record<CardPaquet, string> = {
  nouvelles: 'Nouvelles inscriptions (cartes jamais imprimées)',
  office: 'Paquet d’office estimé : 18–19 ans de la liste principale, jamais imprimées, hors demandes d’inscription',
  changements: 'Changements de bureau ou d’adresse depuis la dernière carte',
  refonte: 'Refonte : toutes les cartes',
};
/**
 * Why the « office » paquet is an estimate, shown next to it: the REU list extract has no column saying how
 * an elector was inscribed (reference note A4: neither the « électeurs actifs » CSV nor e-LISTELEC carries
 * the movement type; only the REU's mouvements livrables do, and Guichet does not read them).
 */
export const OFFICE_PAQUET_NOTE =
  'Paquet d’office estimé : l’extrait du REU ne dit pas qui a été inscrit d’office. Guichet retient les électeurs de 18 et 19 ans de la liste principale dont ce poste n’a jamais imprimé la carte, sauf ceux arrivés par une demande d’inscription rapprochée d’un extrait. Les personnes naturalisées inscrites d’office n’y figurent pas : elles sont dans le paquet « Nouvelles inscriptions ».';
/** Card stock: A4 sheets cut in 2 (A5 landscape cards, 210×148 mm) or in 4 (105×148 mm). */
export const CARD_LAYOUTS = ['a4x2', 'a4x4'] as const;

const bureau = z.string().trim().min(1, 'Choisissez un bureau de vote.').max(4);
const uuid = z.string().uuid();

export const printRequestSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('emargement'), pollId: uuid, bureauCode: bureau, order: z.enum(['alpha', 'numero']) }),
  z.object({
    kind: z.literal('cartes'),
    bureauCode: bureau.nullable(),
    paquet: z.enum(CARD_PAQUETS),
    layout: z.enum(CARD_LAYOUTS),
    /** Mark the printed cards (the next « nouvelles » or « changements » paquet leaves them out). */
    markPrinted: z.boolean().default(true),
  }),
  z.object({ kind: z.literal('tableau'), pollId: uuid }),
  z.object({ kind: z.literal('commission'), pollId: uuid }),
  z.object({ kind: z.literal('etiquettes'), bureauCode: bureau.nullable() }),
  z.object({ kind: z.literal('statistiques') }),
  z.object({ kind: z.literal('procurations'), bureauCode: bureau }),
]);
export type PrintRequest = z.input<typeof printRequestSchema>;
export type PrintKind = PrintRequest['kind'];

export interface PrintResult {
  printId: string;
  fileName: string;
  pages: number;
  bytes: number;
  /** Lines printed (electors, cards, movements…). */
  items: number;
}

export interface BureauInfo {
  code: string;
  label: string | null;
  address: string | null;
  electors: number;
  version: number | null;
}

export interface BureauMatch {
  bureauCode: string;
  label: string | null;
  /** Where the answer comes from: the street table of the découpage, else the electors living there. */
  source: 'decoupage' | 'electeurs';
  /** Electors of the list living at that street (and number, when given) in the bureau (0 for the table). */
  electors: number;
  /** The table's line that matched (« Rue de la Paix, numéros pairs de 2 à 40 »), for the découpage. */
  line: string | null;
}

/** What a street table import did: lines read, and whether they replaced the table. */
export interface StreetImportResult {
  lines: number;
  replaced: number;
}

export interface ElectoralStats {
  total: number;
  byBureau: { code: string; label: string | null; total: number; men: number; women: number; ages: number[] }[];
  /** Upper bound of each age band (the last is open). */
  ageBands: string[];
}

type Versioned<T> = T & { version: number | null; pending: boolean };

const createPoll = pollSchema.pick({ kind: true, label: true, date: true });
const createProcuration = procurationSchema.omit({ id: true, createdBy: true, createdAtLocal: true, source: true });
const createCommunication = communicationSchema.omit({ id: true, createdBy: true, createdAtLocal: true });
const createConsultation = consultationSchema.omit({ id: true, createdBy: true, createdAtLocal: true, pollDate: true });
const saveBureau = bureauSchema.omit({ createdBy: true, createdAtLocal: true });
/** A new line has no id yet; a correction names the line it replaces. */
const saveStreet = streetRangeSchema.omit({ id: true, createdBy: true, createdAtLocal: true }).extend({ id: uuid.nullable() });
/** A CSV of the découpage (voie;debut;fin;parite;bureau), 2 Mo at most (a big town has a few thousand lines). */
const importStreets = z.object({
  fileName: z.string().max(255),
  content: z.instanceof(Uint8Array).refine((b) => b.byteLength <= 2 * 1024 * 1024, 'Le fichier dépasse 2 Mo.'),
});

export interface PollsChannels {
  'electoral:polls': ChannelSpec<null, Versioned<Poll>[]>;
  'electoral:create-poll': ChannelSpec<z.input<typeof createPoll>, Poll>;
  'electoral:set-commission-date': ChannelSpec<{ id: string; date: string }, Poll>;
  'electoral:bureaux': ChannelSpec<null, BureauInfo[]>;
  'electoral:save-bureau': ChannelSpec<z.input<typeof saveBureau>, Bureau>;
  'electoral:bureau-lookup': ChannelSpec<{ address: string }, BureauMatch[]>;
  'electoral:streets': ChannelSpec<null, Versioned<StreetRange>[]>;
  'electoral:save-street': ChannelSpec<z.input<typeof saveStreet>, StreetRange>;
  'electoral:delete-street': ChannelSpec<{ id: string }, null>;
  'electoral:import-streets': ChannelSpec<{ fileName: string; content: Uint8Array }, StreetImportResult>;
  'electoral:procurations': ChannelSpec<{ bureauCode: string | null }, Versioned<Procuration>[]>;
  'electoral:add-procuration': ChannelSpec<z.input<typeof createProcuration>, Procuration>;
  'electoral:communications': ChannelSpec<null, Versioned<Communication>[]>;
  'electoral:add-communication': ChannelSpec<z.input<typeof createCommunication>, Communication>;
  'electoral:consultations': ChannelSpec<{ pollId: string }, Versioned<Consultation>[]>;
  'electoral:add-consultation': ChannelSpec<z.input<typeof createConsultation>, Consultation>;
  'electoral:stats': ChannelSpec<null, ElectoralStats>;
  'electoral:print': ChannelSpec<PrintRequest, PrintResult>;
  'electoral:print-file': ChannelSpec<{ fileName: string }, { fileName: string; mime: 'application/pdf'; content: Uint8Array }>;
}

export const pollsInputs: InputSchemas<PollsChannels> = {
  'electoral:polls': z.null(),
  'electoral:create-poll': createPoll,
  'electoral:set-commission-date': z.object({ id: uuid, date: z.string().max(10) }),
  'electoral:bureaux': z.null(),
  'electoral:save-bureau': saveBureau,
  'electoral:bureau-lookup': z.object({ address: z.string().trim().min(2, 'Saisissez au moins le nom de la voie.').max(200) }),
  'electoral:streets': z.null(),
  'electoral:save-street': saveStreet,
  'electoral:delete-street': z.object({ id: uuid }),
  'electoral:import-streets': importStreets as z.ZodType<{ fileName: string; content: Uint8Array }>,
  'electoral:procurations': z.object({ bureauCode: z.string().max(4).nullable() }),
  'electoral:add-procuration': createProcuration,
  'electoral:communications': z.null(),
  'electoral:add-communication': createCommunication,
  'electoral:consultations': z.object({ pollId: uuid }),
  'electoral:add-consultation': createConsultation,
  'electoral:stats': z.null(),
  'electoral:print': printRequestSchema as z.ZodType<PrintRequest>,
  'electoral:print-file': z.object({ fileName: z.string().regex(/^[a-z0-9-]{1,120}\.pdf$/) }),
};

export interface PollsEvents {
  'electoral:print-progress': { printId: string; kind: PrintKind; done: number; total: number; pages: number };
}
