/**
 * Drafting an act offline: the shared drafting rules (shared/acts/draft.ts)
 * against the classification on this PC, the NumeroInterne unique among the
 * acts this PC knows, and the `acts:check-draft` / `acts:create` handlers.
 */
import { randomUUID } from 'node:crypto';
import type { Classification } from '../../shared/acts/classification.js';
import { checkActDraft, type ActDraft, type DraftProblem } from '../../shared/acts/draft.js';
import { sniffFileKind } from '../../shared/acts/file-kinds.js';
import type { ActsChannels } from '../../shared/acts/ipc.js';
import type { ActRecord, StoredFile } from '../../shared/acts/records.js';
import { GuichetError } from '../../shared/errors.js';
import type { ChannelHandlers } from '../core/handlers.js';
import type { ActsContext } from './acts-context.js';
import { storeInputFile } from './file-access.js';
import { parisDay } from '../../shared/calendar.js';

const EMPTY_CLASSIFICATION: Classification = { dateClassification: '', natures: [], matieres: [] };
const NEEDS_CLASSIFICATION = new Set(['matieres', 'classificationDateVersion']);
const NO_CLASSIFICATION =
  "La classification de la préfecture n'est pas encore arrivée sur ce poste : connectez-vous au hub et synchronisez avant de préparer un acte.";

function isUniqueViolation(err: unknown): boolean {
  return (err as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE';
}

function duplicateMessage(numero: string): string {
  return `Le numéro « ${numero} » est déjà utilisé par un autre acte de la commune : chaque acte doit avoir son propre numéro.`;
}

type DraftFields = Pick<ActDraft, 'numeroInterne' | 'decisionDate' | 'codeNatureActe' | 'matieres' | 'objet'> & {
  documentPapier?: boolean;
};

/** The draft as the rules see it: the form's fields, the files' kinds, the classification on this PC. */
function draftFrom(ac: ActsContext, input: DraftFields, files: Pick<ActDraft, 'act' | 'annexes'>): ActDraft {
  return {
    numeroInterne: input.numeroInterne,
    decisionDate: input.decisionDate,
    codeNatureActe: input.codeNatureActe,
    matieres: input.matieres,
    objet: input.objet,
    classificationDateVersion: ac.acts.classification()?.dateClassification ?? '',
    documentPapier: input.documentPapier ?? false,
    ...files,
  };
}

/** Every rule of `checkActDraft`, plus the NumeroInterne unique in the commune (as far as this PC knows). */
export function problemsOf(ac: ActsContext, draft: ActDraft, ownId: string | null, hasActFile = true): DraftProblem[] {
  const classification = ac.acts.classification();
  let problems = checkActDraft(draft, { today: parisDay(ac.now()), classification: classification ?? EMPTY_CLASSIFICATION });
  if (!classification) {
    problems = problems.filter((p) => !NEEDS_CLASSIFICATION.has(p.field) && !p.field.endsWith('.typology'));
    problems.push({ field: 'classification', message: NO_CLASSIFICATION });
  }
  if (!hasActFile) {
    problems = problems.filter((p) => p.field !== 'act' && p.field !== 'act.typology');
    problems.push({ field: 'act', message: "Joignez le fichier de l'acte (PDF)." });
  }
  const holder = draft.numeroInterne ? ac.acts.idOfNumero(draft.numeroInterne) : null;
  if (holder && holder !== ownId && !problems.some((p) => p.field === 'numeroInterne'))
    problems.push({ field: 'numeroInterne', message: duplicateMessage(draft.numeroInterne) });
  return problems;
}

export function refuseProblems(problems: DraftProblem[], what: string): void {
  if (problems.length === 0) return;
  throw new GuichetError('invalid_input', problems.map((p) => p.message).join(' '), `${what}: ${problems.map((p) => p.field).join(', ')}`);
}

type DraftingChannels = Pick<ActsChannels, 'acts:check-draft' | 'acts:create'>;

export function draftingHandlers(ac: ActsContext): ChannelHandlers<DraftingChannels> {
  const { ctx } = ac;
  return {
    'acts:check-draft': (input) => {
      ctx.requirePermission('acts.draft');
      const head = (f: { fileName: string; size: number; head: Uint8Array }, typology: string) => ({
        fileName: f.fileName,
        size: f.size,
        kind: sniffFileKind(f.head),
        typology,
      });
      const draft = draftFrom(ac, input, {
        act: input.actFile ? head(input.actFile, input.actTypology) : { fileName: '-', size: 0, kind: 'pdf', typology: input.actTypology },
        annexes: input.annexes.map((a) => head(a, a.typology)),
      });
      return problemsOf(ac, draft, input.actId ?? null, input.actFile !== null);
    },

    'acts:create': async (input) => {
      ctx.requirePermission('acts.draft');
      const actKind = sniffFileKind(input.actFile.content);
      const annexes = input.annexes ?? [];
      const draft = draftFrom(ac, input, {
        act: { fileName: input.actFile.fileName, size: input.actFile.content.byteLength, kind: actKind, typology: input.actTypology },
        annexes: annexes.map((a) => ({
          fileName: a.fileName,
          size: a.content.byteLength,
          kind: sniffFileKind(a.content),
          typology: a.typology,
        })),
      });
      refuseProblems(problemsOf(ac, draft, null), 'draft refused');
      // Files first, outside the transaction: an orphan file is harmless, a record without its file is not.
      const actFile = await storeInputFile(ac, input.actFile.fileName, input.actFile.content, actKind);
      const annexFiles: StoredFile[] = [];
      for (const [i, a] of annexes.entries()) annexFiles.push(await storeInputFile(ac, a.fileName, a.content, draft.annexes[i].kind));
      const act: ActRecord = {
        id: randomUUID(),
        draft,
        actFile,
        annexFiles,
        signature: null,
        transmitRequested: false,
        createdBy: ac.userName().slice(0, 100),
        createdAtLocal: ac.now().toISOString(),
      };
      try {
        ac.db.transaction(() => {
          for (const f of [actFile, ...annexFiles]) ac.files.index(f, 'pending');
          ac.writeAct(null, act, null, `Acte ${draft.numeroInterne} (brouillon)`);
        })();
      } catch (err) {
        // Two windows may race between the check and the insert: the UNIQUE index decides.
        if (isUniqueViolation(err)) throw new GuichetError('conflict', duplicateMessage(draft.numeroInterne), 'numero_interne unique');
        throw err;
      }
      ac.log.info({ actId: act.id, files: 1 + annexFiles.length }, 'act drafted');
      ctx.requestSync();
      return ac.detail(act.id);
    },
  };
}
