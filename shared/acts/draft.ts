import { z } from 'zod';
import type { Classification } from './classification.js';
import {
  checkActFileKind,
  checkAnnexFileKind,
  checkClassificationVersion,
  checkDecisionDate,
  checkFileName,
  checkMatieres,
  checkNature,
  checkNumeroInterne,
  checkObjet,
  checkTotalSize,
  checkTypology,
  OBJET_MAX_LENGTH,
} from './rules.js';

/** Bounds of the schema (the hub refuses bigger values on push); the drafting rules below say the same in detail. */
const TYPOLOGY_LENGTH = 5;
const ISO_DATE_LENGTH = 10;
/** `dép-SIREN-AAAAMMJJ-numéro-XX`: 3+9+8+15+2 characters and four dashes. */
const ID_ACTE_MAX_LENGTH = 50;
export const MAX_ANNEXES = 100;

/** A file attached to an act draft; `kind` comes from sniffing its bytes (`sniffFileKind`). */
export const actFileSchema = z.object({
  fileName: z.string().min(1, 'Le nom du fichier est vide.').max(255, 'Le nom du fichier ne peut pas dépasser 255 caractères.'),
  size: z.number().int().nonnegative(),
  kind: z.enum(['pdf', 'xml', 'png', 'jpeg', 'other']),
  /** `CodeTypePJ` from the classification, e.g. `99_DE`. */
  typology: z.string().max(TYPOLOGY_LENGTH, 'La typologie est un code de 5 caractères, par exemple 99_DE.'),
});

/** What a town hall fills in before the act goes to the prefecture. */
export const actDraftSchema = z.object({
  numeroInterne: z.string().max(15, "Le numéro de l'acte ne peut pas dépasser 15 caractères."),
  /** Date of the decision, YYYY-MM-DD. */
  decisionDate: z.string().max(ISO_DATE_LENGTH, 'La date de décision doit être une date valide.'),
  codeNatureActe: z.number().int(),
  /** Matière codes, level 1 first (2 to 5 levels). */
  matieres: z.array(z.number().int().nonnegative()).min(2).max(5),
  objet: z.string().max(OBJET_MAX_LENGTH, `L'objet de l'acte ne peut pas dépasser ${OBJET_MAX_LENGTH} caractères.`),
  classificationDateVersion: z.string().max(ISO_DATE_LENGTH, 'La version de la classification doit être une date.'),
  /** A paper complement follows by post (`DocumentPapier` O/N). */
  documentPapier: z.boolean().default(false),
  /** IDActe of an act already transmitted that this one replaces. */
  precedentIdActe: z.string().max(ID_ACTE_MAX_LENGTH, "L'identifiant de l'acte remplacé est trop long.").optional(),
  act: actFileSchema,
  annexes: z.array(actFileSchema).max(MAX_ANNEXES, `Un acte peut avoir au plus ${MAX_ANNEXES} annexes.`).default([]),
});

export type ActFile = z.infer<typeof actFileSchema>;
export type ActDraft = z.infer<typeof actDraftSchema>;

export interface DraftProblem {
  field: string;
  message: string;
}

/** Every rule at once, so the user sees all problems of the form together. */
export function checkActDraft(draft: ActDraft, ctx: { today: string; classification: Classification }): DraftProblem[] {
  const problems: DraftProblem[] = [];
  const add = (field: string, message: string | null): void => {
    if (message) problems.push({ field, message });
  };
  add('numeroInterne', checkNumeroInterne(draft.numeroInterne));
  add('decisionDate', checkDecisionDate(draft.decisionDate, ctx.today));
  add('objet', checkObjet(draft.objet));
  const natureProblem = checkNature(draft.codeNatureActe);
  add('codeNatureActe', natureProblem);
  add('matieres', checkMatieres(ctx.classification, draft.matieres));
  add('classificationDateVersion', checkClassificationVersion(draft.classificationDateVersion, ctx.classification.dateClassification));
  add('act', checkActFileKind(draft.act.kind, draft.codeNatureActe, draft.matieres));
  // Under the file's own field, so the form shows it beside the file.
  add('act', checkFileName(draft.act.fileName));
  if (!natureProblem) add('act.typology', checkTypology(ctx.classification, draft.codeNatureActe, draft.act.typology, "l'acte"));
  draft.annexes.forEach((a, i) => {
    add(`annexes.${i}`, checkAnnexFileKind(a.kind, draft.act.kind, a.fileName));
    add(`annexes.${i}`, checkFileName(a.fileName));
    if (!natureProblem)
      add(`annexes.${i}.typology`, checkTypology(ctx.classification, draft.codeNatureActe, a.typology, `l'annexe « ${a.fileName} »`));
  });
  add('annexes', checkTotalSize([draft.act.size, ...draft.annexes.map((a) => a.size)]));
  return problems;
}
