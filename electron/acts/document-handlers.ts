/**
 * Reading the acts and their documents: the list, one act, a stored file, and
 * the documents made once the prefecture acknowledged an act (the bordereau,
 * the stamped copy: see documents.ts).
 */
import type { ActsChannels, ActSummary, FileContent } from '../../shared/acts/ipc.js';
import type { ActRecord, ActStatusRecord } from '../../shared/acts/records.js';
import { GuichetError } from '../../shared/errors.js';
import type { ChannelHandlers } from '../core/handlers.js';
import { type ActsContext, isPending, stateOf } from './acts-context.js';
import { makeBordereau, makeStampedCopy } from './documents.js';
import { fileBytes } from './file-access.js';

const NOT_ACKNOWLEDGED =
  "Ce document n'est disponible qu'après l'accusé de réception de la préfecture (ARActe) : cet acte n'en a pas encore reçu.";

type ReadingChannels = Pick<
  ActsChannels,
  'acts:classification' | 'acts:list' | 'acts:get' | 'acts:file' | 'acts:bordereau' | 'acts:stamped-copy'
>;

function acknowledged(ac: ActsContext, id: string): { act: ActRecord; status: ActStatusRecord } {
  const { act } = ac.requireAct(id);
  const status = ac.acts.status(id);
  if (!status?.idActe || !status.dateReception) throw new GuichetError('invalid_input', NOT_ACKNOWLEDGED, `act ${id} without ARActe`);
  return { act, status };
}

function summaries(ac: ActsContext, state: ActSummary['state'] | null): ActSummary[] {
  const statuses = ac.acts.statuses();
  const pendingIds = ac.ctx.outbox.pendingIds('acts.acts');
  const out: ActSummary[] = [];
  for (const act of ac.acts.all()) {
    const status = statuses.get(act.id) ?? null;
    const s = stateOf(act, status);
    if (state && s !== state) continue;
    out.push({
      id: act.id,
      numeroInterne: act.draft.numeroInterne,
      objet: act.draft.objet,
      codeNatureActe: act.draft.codeNatureActe,
      decisionDate: act.draft.decisionDate,
      state: s,
      idActe: status?.idActe ?? null,
      pending: isPending(ac, act, pendingIds),
    });
  }
  return out;
}

export function readingHandlers(ac: ActsContext): ChannelHandlers<ReadingChannels> {
  const { ctx } = ac;
  return {
    'acts:classification': () => {
      ctx.requirePermission('acts.read');
      return ac.acts.classification();
    },
    'acts:list': ({ state }) => {
      ctx.requirePermission('acts.read');
      return summaries(ac, state);
    },
    'acts:get': ({ id }) => {
      ctx.requirePermission('acts.read');
      return ac.detail(id);
    },
    'acts:file': async ({ sha256 }) => {
      ctx.requirePermission('acts.read');
      const { bytes, meta } = await fileBytes(ac, sha256);
      const result: FileContent = { fileName: meta.fileName, mime: meta.mime, content: new Uint8Array(bytes) };
      return result;
    },
    'acts:bordereau': async ({ id }) => {
      ctx.requirePermission('acts.read');
      const { act, status } = acknowledged(ac, id);
      const commune = ctx.session().commune;
      const pdf = await makeBordereau(act, status, commune, ac.now());
      return { fileName: `accuse-reception-${act.draft.numeroInterne}.pdf`, mime: 'application/pdf', content: pdf };
    },
    'acts:stamped-copy': async ({ id }) => {
      ctx.requirePermission('acts.read');
      const { act, status } = acknowledged(ac, id);
      if (act.actFile?.mime !== 'application/pdf')
        throw new GuichetError('invalid_input', 'Seul un acte PDF peut être tamponné.', 'stamped copy of a non-PDF act');
      const { bytes } = await fileBytes(ac, act.actFile.sha256);
      const pdf = await makeStampedCopy(bytes, status);
      return { fileName: `${act.draft.numeroInterne}-copie-tamponnee.pdf`, mime: 'application/pdf', content: pdf };
    },
  };
}
