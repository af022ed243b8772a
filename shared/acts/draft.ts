import { z } from 'zod';
import type { Classification } from './classification.js';
import {
  checkActFileKind,
  checkAnnexFileKind,
  checkClassificationVersion,
  checkDecisionDate,
  checkMatieres,
  checkNature,
  checkNumeroInterne,
  checkObjet,
  checkTotalSize,
  checkTypology,
} from './rules.js';

/** A file attached to an act draft; `kind` comes from sniffing its bytes (`sniffFileKind`). */
export const actFileSchema = z.object({
  fileName: z.string().min(1).max(255),
  size: z.number().int().nonnegative(),
  kind: z.enum(['pdf', 'xml', 'png', 'jpeg', 'other']),
  /** `CodeTypePJ` from the classification, e.g. `99_DE`. */
  typology: z.string(),
});

/** What a town hall fills in before the act goes to the prefecture. */
export const actDraftSchema = z.object({
  numeroInterne: z.string(),
  /** Date of the decision, YYYY-MM-DD. */
  decisionDate: z.string(),
  codeNatureActe: z.number().int(),
  /** Matière codes, level 1 first (2 to 5 levels). */
  matieres: z.array(z.number().int().nonnegative()).min(2).max(5),
  objet: z.string(),
  classificationDateVersion: z.string(),
  /** A paper complement follows by post (`DocumentPapier` O/N). */
  documentPapier: z.boolean().default(false),
  /** IDActe of an act already transmitted that this one replaces. */
  precedentIdActe: z.string().optional(),
  act: actFileSchema,
  annexes: z.array(actFileSchema).default([]),
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
  if (!natureProblem) add('act.typology', checkTypology(ctx.classification, draft.codeNatureActe, draft.act.typology, "l'acte"));
  draft.annexes.forEach((a, i) => {
    add(`annexes.${i}`, checkAnnexFileKind(a.kind, draft.act.kind, a.fileName));
    if (!natureProblem)
      add(`annexes.${i}.typology`, checkTypology(ctx.classification, draft.codeNatureActe, a.typology, `l'annexe « ${a.fileName} »`));
  });
  add('annexes', checkTotalSize([draft.act.size, ...draft.annexes.map((a) => a.size)]));
  return problems;
}
