import { z } from 'zod';
import { PARCEL_ID_PATTERN } from './parcel-id.js';

/**
 * What the hub keeps and sends of MAJIC: one `owners.comptes` record per
 * compte communal (owners, their parcels, locals and lots), the ledger of
 * communications to third parties and the log of consultations. Bounded
 * schemas: the hub refuses, the PC skips what does not parse.
 */
const s = (max: number) => z.string().max(max);
const parcelId = z.string().regex(PARCEL_ID_PATTERN);

/** An exemption (exonération) of a subdivision fiscale or of a local: its reason is hidden from third parties. */
export const exemptionSchema = z.object({
  /** gnexts / gnextl: nature of the exemption (code). */
  code: s(2),
  /** ccolloc: collectivity granting it (C commune, GC département…). */
  collectivite: s(2),
  /** pexn / pexb: percentage, in hundredths. */
  percent: z.number().int().min(0).max(100_000).nullable(),
  from: s(4),
  to: s(4),
});
export type Exemption = z.infer<typeof exemptionSchema>;

export const ownerSchema = z.object({
  /** Person number, unique in the département (one public body may hold several). */
  dnuper: s(6),
  /** ccodro: nature of the right (P propriétaire, U usufruitier, N nu-propriétaire…). */
  right: s(1),
  /** ccodem: dismemberment or indivision (I indivision, S succession…); empty when none. */
  dismemberment: s(1),
  legalPerson: z.boolean(),
  /** dqualp (M, MME) for a natural person. */
  title: s(3),
  /** ddenom: the full designation (`NOM/PRENOMS` or the body's name). */
  designation: s(60),
  birthName: s(30),
  birthFirstNames: s(15),
  usageName: s(60),
  usageFirstNames: s(40),
  /** JJ/MM/AAAA, null when MAJIC has none (legal persons, or missing). */
  birthDate: s(10).nullable(),
  birthPlace: s(58).nullable(),
  siren: s(9).nullable(),
  legalForm: s(4).nullable(),
  /** dlign3–6: the postal address, as printed. */
  address: z.array(s(36)).max(4),
});
export type Owner = z.infer<typeof ownerSchema>;

export const subdivisionSchema = z.object({
  sub: s(2),
  area: z.number().int().min(0).max(1e9),
  /** dsgrpf: groupe de nature de culture (T terres, P prés, B bois, S sols…). */
  nature: s(2),
  /** drcsub: revenu cadastral, in cents. */
  revenue: z.number().int().min(0).max(1e12),
  exemptions: z.array(exemptionSchema).max(20),
});

export const parcelSchema = z.object({
  id: parcelId,
  /** dcntpa: contenance in m². */
  area: z.number().int().min(0).max(1e9),
  address: s(80),
  subdivisions: z.array(subdivisionSchema).max(50),
});
export type OwnedParcel = z.infer<typeof parcelSchema>;

export const localSchema = z.object({
  invar: s(10),
  parcelId: parcelId,
  address: s(80),
  /** dteloc: 1 maison, 2 appartement, 3 dépendance, 4 local commercial… */
  type: s(1),
  /** dvltrt: valeur locative totale, € */
  rentalValue: z.number().int().min(0).max(1e12).nullable(),
  exemptions: z.array(exemptionSchema).max(20),
});
export type OwnedLocal = z.infer<typeof localSchema>;

export const lotSchema = z.object({
  parcelId: parcelId,
  pdl: s(3),
  lot: s(7),
  /** Tantièmes: dnumql / ddenql. */
  share: s(20),
});

export const compteSchema = z.object({
  /** Compte communal as MAJIC keys it: ccodep + ccodir + ccocom + dnupro (12 characters, `+`/`*` series kept). */
  id: s(12),
  insee: s(5),
  dnupro: s(6),
  millesime: z.number().int().min(2000).max(2100),
  owners: z.array(ownerSchema).min(1).max(200),
  parcels: z.array(parcelSchema).max(20_000),
  locals: z.array(localSchema).max(20_000),
  lots: z.array(lotSchema).max(20_000),
});
export type Compte = z.infer<typeof compteSchema>;

export const REQUESTER_KINDS = ['tiers', 'proprietaire', 'autorite'] as const;
export type RequesterKind = (typeof REQUESTER_KINDS)[number];

/** A relevé given to someone outside the town hall: the hub's ledger, which the 5/10 counter reads. */
export const communicationSchema = z.object({
  id: z.uuid(),
  at: s(40),
  userId: s(100),
  userName: s(100),
  requesterName: z.string().trim().min(2).max(120),
  /** foldName(requesterName): who is counted. */
  requesterKey: s(120),
  requesterKind: z.enum(REQUESTER_KINDS),
  /** For an owner asking about their own property: the person (dnuper) of the compte they are. */
  ownerDnuper: s(6).nullable(),
  compteId: s(12),
  parcels: z.array(parcelId).max(500),
  purpose: z.string().trim().min(3).max(300),
  /** Whether it counts towards the 5 a week / 10 a month (owners and authorities do not). */
  counted: z.boolean(),
});
export type Communication = z.infer<typeof communicationSchema>;

export const JOURNAL_KINDS = ['consultation', 'releve-commune', 'releve-tiers'] as const;

/** One line of the log the mayor reads: who looked at or printed what, when, for whom, why. */
export const journalEntrySchema = z.object({
  id: z.uuid(),
  at: s(40),
  userId: s(100),
  userName: s(100),
  kind: z.enum(JOURNAL_KINDS),
  compteId: s(12),
  parcels: z.array(parcelId).max(500),
  /** For whom (the requester's name for a communication, « la commune » otherwise). */
  forWhom: s(120),
  purpose: s(300),
});
export type JournalEntry = z.infer<typeof journalEntrySchema>;

export const majicImportRecordSchema = z.object({
  id: s(100),
  at: s(40),
  millesime: z.number().int(),
  fileSha256: z.array(s(64)).max(10),
  comptes: z.number().int(),
  owners: z.number().int(),
  parcels: z.number().int(),
});
export type MajicImportRecord = z.infer<typeof majicImportRecordSchema>;
