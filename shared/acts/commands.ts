import { z } from 'zod';
import type { RuleRefusal } from '../domain/spec.js';
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

/** Accusés de réception (3-2, 4-2) carry no document. */
export function isAcknowledgement(type: AnswerCode): boolean {
  return type === '3-2' || type === '4-2';
}

/** Whether `type` answers a letter of type `letterType`: the same sentence on the PC and on the hub. */
export function checkAnswerType(letterType: string, type: AnswerCode): string | null {
  return (ANSWERS_OF[letterType] ?? []).includes(type) ? null : 'Ce type de réponse ne correspond pas au courrier reçu de la préfecture.';
}

/** How many documents an answer carries: none for an AR, several for pièces complémentaires (3-4), else one. */
export function checkAnswerFiles(type: AnswerCode, count: number): string | null {
  if (isAcknowledgement(type)) return count > 0 ? 'Un accusé de réception ne porte pas de document.' : null;
  if (count === 0) return 'Joignez le document de votre réponse.';
  if (type !== '3-4' && count > 1) return 'Cette réponse ne porte qu’un seul document.';
  if (count > MAX_ANSWER_FILES) return `Une réponse porte au plus ${MAX_ANSWER_FILES} documents.`;
  return null;
}

export const actIdPayloadSchema = z.object({ actId: z.string().uuid() });
export type ActIdPayload = z.infer<typeof actIdPayloadSchema>;

export const answerPayloadSchema = z.object({
  actId: z.string().uuid(),
  letterId: z.string().min(1).max(100),
  type: z.enum(ANSWER_CODES),
  files: z.array(storedFileSchema).max(MAX_ANSWER_FILES),
});
export type AnswerPayload = z.infer<typeof answerPayloadSchema>;

/** Acknowledgements (3-2, 4-2) carry no document. */
export const ACKNOWLEDGEMENT_ANSWERS: readonly AnswerCode[] = ['3-2', '4-2'];

/**
 * Whether an answer fits the prefecture's letter and carries the right number of documents:
 * the rule of the `acts.answer` command, applied by the hub and, for comfort, by the PC
 * before it queues (same sentences).
 */
export function checkAnswer(letterType: string, type: AnswerCode, fileCount: number): RuleRefusal | null {
  const refuse = (message: string, detail: string): RuleRefusal => ({ code: 'invalid_input', message, detail });
  if (!(ANSWERS_OF[letterType] ?? []).includes(type))
    return refuse('Ce type de réponse ne correspond pas au courrier de la préfecture.', `answer ${type} to ${letterType}`);
  const isAcknowledgement = ACKNOWLEDGEMENT_ANSWERS.includes(type);
  if (isAcknowledgement && fileCount > 0) return refuse('Un accusé de réception ne porte pas de document.', 'AR with files');
  if (!isAcknowledgement && fileCount === 0) return refuse('Joignez le document de votre réponse.', 'answer without file');
  if (!isAcknowledgement && type !== '3-4' && fileCount > 1) return refuse('Cette réponse ne porte qu’un seul document.', 'too many files');
  return null;
}
