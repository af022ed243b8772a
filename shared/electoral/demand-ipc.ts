import { z } from 'zod';
import type { ChannelSpec, InputSchemas } from '../api/channel.js';
import { JUSTIFICATIF_MAX_BYTES, JUSTIFICATIF_MIMES, PIECE_KINDS } from './demand-fields.js';
import type { Demand } from './types.js';

/**
 * Channels of a demand's follow-up (merged into ElectoralChannels, ipc.ts):
 * justificatifs, the maire's decision, the letters, the dated steps.
 */
export const DEMAND_LETTERS = ['acceptation', 'refus', 'preavis_radiation'] as const;
export type DemandLetter = (typeof DEMAND_LETTERS)[number];
export const DEMAND_LETTER_LABELS: Record<DemandLetter, string> = {
  acceptation: "Lettre d'acceptation",
  refus: 'Lettre de refus (avec les voies de recours)',
  preavis_radiation: 'Préavis de radiation (procédure contradictoire)',
};

/** A file chosen in the form: bytes over the bridge, hashed and stored by the PC. */
export const justificatifFileSchema = z.object({
  piece: z.enum(PIECE_KINDS),
  fileName: z.string().trim().min(1).max(255),
  mime: z.enum(JUSTIFICATIF_MIMES, { error: 'Seuls les PDF et les images scannées (JPEG, PNG, TIFF) sont acceptés.' }),
  content: z
    .custom<Uint8Array>((v) => v instanceof Uint8Array, { message: 'Fichier illisible.' })
    .refine((b) => b.byteLength > 0 && b.byteLength <= JUSTIFICATIF_MAX_BYTES, {
      message: 'Le fichier est vide ou dépasse 20 Mo.',
    }),
});
export type JustificatifFile = z.infer<typeof justificatifFileSchema>;

/** The steps dated by the secretary once done (each recorded once). */
export const DEMAND_STEPS = ['notice', 'notification', 'reu'] as const;
export type DemandStep = (typeof DEMAND_STEPS)[number];

export interface LetterFiles {
  pdf: { fileName: string; mime: 'application/pdf'; content: Uint8Array };
  eml: { fileName: string; mime: 'message/rfc822'; content: Uint8Array };
  /** mailto: link (recipient and subject; the PDF must be attached by hand, or use the .eml). */
  mailto: string | null;
}

export interface DemandFollowUpChannels {
  'electoral:add-justificatif': ChannelSpec<{ id: string; file: JustificatifFile }, Demand>;
  'electoral:justificatif': ChannelSpec<{ sha256: string }, { fileName: string; mime: string; content: Uint8Array }>;
  'electoral:decide': ChannelSpec<{ id: string; decision: 'acceptee' | 'refusee'; date: string; reason: string | null }, Demand>;
  'electoral:record-step': ChannelSpec<{ id: string; step: DemandStep; date: string }, Demand>;
  'electoral:demand-letter': ChannelSpec<{ id: string; letter: DemandLetter }, LetterFiles>;
}

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'Date invalide : écrivez JJ/MM/AAAA.');

export const demandFollowUpInputs: InputSchemas<DemandFollowUpChannels> = {
  'electoral:add-justificatif': z.object({ id: z.string().max(100), file: justificatifFileSchema }),
  'electoral:justificatif': z.object({ sha256: z.string().regex(/^[0-9a-f]{64}$/) }),
  'electoral:decide': z.object({
    id: z.string().max(100),
    decision: z.enum(['acceptee', 'refusee']),
    date: day,
    reason: z.string().trim().max(2000).nullable(),
  }),
  'electoral:record-step': z.object({ id: z.string().max(100), step: z.enum(DEMAND_STEPS), date: day }),
  'electoral:demand-letter': z.object({ id: z.string().max(100), letter: z.enum(DEMAND_LETTERS) }),
};
