import { z } from 'zod';
import { storedFileSchema } from './records.js';

/**
 * Commands of the legality-control service (pushed by PCs, applied by the hub
 * in the push's transaction) and the rules about letters both sides apply.
 */
export const TRANSMIT_COMMAND = 'acts.transmit';
export const CANCEL_COMMAND = 'acts.cancel';
export const ANSWER_COMMAND = 'acts.answer';

export const ANSWER_CODES = ['2-2', '3-2', '3-3', '3-4', '4-2', '4-3', '4-4'] as const;
export type AnswerCode = (typeof ANSWER_CODES)[number];

/** Which answers each letter of the prefecture admits. */
export const ANSWERS_OF: Readonly<Record<string, readonly AnswerCode[]>> = {
  '2-1': ['2-2'],
  '3-1': ['3-2', '3-3', '3-4'],
  '4-1': ['4-2', '4-3', '4-4'],
};

/** Pièces complémentaires (3-4) may carry several documents; every other answer one, an AR none. */
export const MAX_ANSWER_FILES = 20;

export const actIdPayloadSchema = z.object({ actId: z.string().uuid() });
export type ActIdPayload = z.infer<typeof actIdPayloadSchema>;

export const answerPayloadSchema = z.object({
  actId: z.string().uuid(),
  letterId: z.string().min(1).max(100),
  type: z.enum(ANSWER_CODES),
  files: z.array(storedFileSchema).max(MAX_ANSWER_FILES),
});
export type AnswerPayload = z.infer<typeof answerPayloadSchema>;
