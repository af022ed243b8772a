import { z } from 'zod';
import type { ChannelSpec, InputSchemas } from '../api/channel.js';
import type { Classification } from './classification.js';
import { actDraftSchema, type DraftProblem } from './draft.js';
import type { ActRecord, ActState, ActStatusRecord } from './records.js';
import type { TrustProblem } from './trust-chain.js';

/** Renderer ↔ main channels of the legality-control service (`acts:*`). */

export interface CertificateInfo {
  id: string;
  holder: string;
  organisation: string | null;
  issuer: string;
  serial: string;
  notBefore: string;
  notAfter: string;
  /** What the PC knows of this certificate before signing (computed when asked, never stored). */
  checks?: CertificateChecks;
}

export interface CertificateChecks {
  /** SHA-256 of the certificate, lower-case hex. */
  sha256: string;
  /** `CN=…, O=…` as recorded with a no-SIREN confirmation. */
  subject: string;
  /** shared/acts/signer-certificate.ts: `mismatch` refuses, `no_siren` asks the signer to confirm. */
  collectivite: { verdict: 'match' | 'mismatch' | 'no_siren'; siren: string | null; message: string | null };
  /**
   * Whether the certificate leads to a CA of the département's trust list, valid today and
   * unrevoked (shared/acts/trust-chain.ts); `refusal`: why signing would be refused (expired,
   * revoked, or an unlisted CA while the département blocks them), null when it may sign.
   */
  trust: { trusted: boolean; ca: string | null; problem: TrustProblem | null; refusal: string | null; listFetchedAt: string | null };
}

/** The verdict on an act's signature, as the act's screen shows it. */
export interface SignatureCheck {
  intact: boolean;
  trusted: boolean;
  ca: string | null;
  /** Expired, not yet valid at the signing time, or revoked (shared/acts/trust-chain.ts). */
  problem: TrustProblem | null;
  signer: string | null;
  /** « signature valide, certificat reconnu (AC …) » / « … non reconnu » / « signature invalide ». */
  verdict: string;
}

export interface ActSummary {
  id: string;
  numeroInterne: string;
  objet: string;
  codeNatureActe: number;
  decisionDate: string;
  state: ActState;
  idActe: string | null;
  /** Something of this act (record or file) is not yet on the hub. */
  pending: boolean;
}

export interface UploadState {
  sha256: string;
  fileName: string;
  size: number;
  uploaded: number;
}

export interface ActDetail {
  act: ActRecord;
  status: ActStatusRecord | null;
  pending: boolean;
  uploads: UploadState[];
}

export interface FileContent {
  fileName: string;
  mime: string;
  content: Uint8Array;
}

const bytes = z.instanceof(Uint8Array);
const inputFileSchema = z.object({ fileName: z.string().min(1).max(255), content: bytes });

/** The draft as the form sends it: files as bytes, kinds sniffed by the core. */
export const createActInputSchema = z.object({
  numeroInterne: actDraftSchema.shape.numeroInterne,
  decisionDate: actDraftSchema.shape.decisionDate,
  codeNatureActe: actDraftSchema.shape.codeNatureActe,
  matieres: actDraftSchema.shape.matieres,
  objet: actDraftSchema.shape.objet,
  documentPapier: z.boolean().default(false),
  actTypology: z.string(),
  actFile: inputFileSchema,
  annexes: z.array(inputFileSchema.extend({ typology: z.string() })).default([]),
});
export type CreateActInput = z.input<typeof createActInputSchema>;

export const checkDraftInputSchema = z.object({
  numeroInterne: z.string(),
  decisionDate: z.string(),
  codeNatureActe: z.number().int(),
  matieres: z.array(z.number().int()),
  objet: z.string(),
  actTypology: z.string(),
  /** Only names, sizes and first bytes are needed for the checks as she types. */
  actFile: z.object({ fileName: z.string(), size: z.number().int(), head: bytes }).nullable(),
  annexes: z.array(z.object({ fileName: z.string(), size: z.number().int(), head: bytes, typology: z.string() })),
  /** When editing an existing draft, its own NumeroInterne is not a duplicate. */
  actId: z.string().nullable().default(null),
});
export type CheckDraftInput = z.input<typeof checkDraftInputSchema>;

export interface ActsChannels {
  'acts:classification': ChannelSpec<null, Classification | null>;
  'acts:list': ChannelSpec<{ state: ActState | null }, ActSummary[]>;
  'acts:get': ChannelSpec<{ id: string }, ActDetail>;
  'acts:check-draft': ChannelSpec<CheckDraftInput, DraftProblem[]>;
  'acts:create': ChannelSpec<CreateActInput, ActDetail>;
  'acts:certificate': ChannelSpec<null, CertificateInfo | null>;
  'acts:import-certificate': ChannelSpec<{ fileName: string; content: Uint8Array; password: string }, CertificateInfo>;
  'acts:sign': ChannelSpec<{ id: string; password: string; confirmNoSiren?: boolean }, ActDetail>;
  'acts:signature-check': ChannelSpec<{ id: string }, SignatureCheck | null>;
  'acts:transmit': ChannelSpec<{ id: string }, ActDetail>;
  'acts:cancel': ChannelSpec<{ id: string }, ActDetail>;
  'acts:answer-letter': ChannelSpec<
    {
      actId: string;
      letterId: string;
      type: '2-2' | '3-2' | '3-3' | '3-4' | '4-2' | '4-3' | '4-4';
      files: { fileName: string; content: Uint8Array }[];
    },
    ActDetail
  >;
  'acts:file': ChannelSpec<{ sha256: string }, FileContent>;
  'acts:bordereau': ChannelSpec<{ id: string }, FileContent>;
  'acts:stamped-copy': ChannelSpec<{ id: string }, FileContent>;
}

const id = z.object({ id: z.string() });
export const actsInputs: InputSchemas<ActsChannels> = {
  'acts:classification': z.null(),
  'acts:list': z.object({ state: z.string().nullable() }) as z.ZodType<{ state: ActState | null }>,
  'acts:get': id,
  'acts:check-draft': checkDraftInputSchema as z.ZodType<CheckDraftInput>,
  'acts:create': createActInputSchema as z.ZodType<CreateActInput>,
  'acts:certificate': z.null(),
  'acts:import-certificate': z.object({ fileName: z.string().min(1).max(255), content: bytes, password: z.string().max(200) }),
  'acts:sign': z.object({ id: z.string(), password: z.string().max(200), confirmNoSiren: z.boolean().optional() }),
  'acts:signature-check': id,
  'acts:transmit': id,
  'acts:cancel': id,
  'acts:answer-letter': z.object({
    actId: z.string(),
    letterId: z.string(),
    type: z.enum(['2-2', '3-2', '3-3', '3-4', '4-2', '4-3', '4-4']),
    files: z.array(inputFileSchema).max(20),
  }),
  'acts:file': z.object({ sha256: z.string().regex(/^[0-9a-f]{64}$/) }),
  'acts:bordereau': id,
  'acts:stamped-copy': id,
};

export interface ActsEvents {
  'acts:upload-progress': { sha256: string; fileName: string; sent: number; total: number };
}
