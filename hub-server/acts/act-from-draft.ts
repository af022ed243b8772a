import type { Classification } from '../../shared/acts/classification.js';
import { checkActDraft, type ActDraft } from '../../shared/acts/draft.js';
import { sniffFileKind } from '../../shared/acts/file-kinds.js';
import type { CodeNatureActe } from '../../shared/acts/natures.js';
import { GuichetError } from '../../shared/errors.js';
import type { ActeInput } from './actes-format/build-acte.js';
import type { CommuneIdentity } from './actes-format/identities.js';

/**
 * From the commune's draft (validated with the shared rules) and the files'
 * bytes to the builder's input. The kinds are re-sniffed from the bytes: the
 * hub does not trust the kind the client declared.
 */
export function acteInputFromDraft(
  draft: ActDraft,
  files: { act: Uint8Array; annexes: Uint8Array[] },
  ctx: { commune: CommuneIdentity; today: string; classification: Classification },
): ActeInput {
  if (files.annexes.length !== draft.annexes.length)
    throw new GuichetError('invalid_input', "Le nombre d'annexes reçues ne correspond pas au formulaire.");
  const sniffed: ActDraft = {
    ...draft,
    act: { ...draft.act, kind: sniffFileKind(files.act), size: files.act.byteLength },
    annexes: draft.annexes.map((a, i) => ({ ...a, kind: sniffFileKind(files.annexes[i]), size: files.annexes[i].byteLength })),
  };
  const problems = checkActDraft(sniffed, ctx);
  if (problems.length)
    throw new GuichetError('invalid_input', problems[0].message, problems.map((p) => `${p.field}: ${p.message}`).join('\n'));
  return {
    commune: ctx.commune,
    numeroInterne: draft.numeroInterne,
    decisionDate: draft.decisionDate,
    codeNatureActe: draft.codeNatureActe as CodeNatureActe,
    matieres: draft.matieres,
    objet: draft.objet,
    classificationDateVersion: draft.classificationDateVersion,
    documentPapier: draft.documentPapier,
    precedentIdActe: draft.precedentIdActe,
    act: { content: files.act, typology: draft.act.typology },
    annexes: files.annexes.map((content, i) => ({ content, typology: draft.annexes[i].typology })),
  };
}
