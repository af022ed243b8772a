/**
 * A demand after its deposit: more justificatifs, the maire's decision, the
 * dated steps (préavis, notification, transmission to the REU) and the
 * letters. Every change goes through `update`: the shared rule (the hub's),
 * then the demand row and its outbox row in one transaction.
 */
import type { Logger } from 'pino';
import { parisDay } from '../../shared/calendar.js';
import type { Justificatif } from '../../shared/electoral/demand-fields.js';
import { DEMAND_LETTER_LABELS, type DemandFollowUpChannels, type DemandStep } from '../../shared/electoral/demand-ipc.js';
import { checkDemandWrite } from '../../shared/electoral/rules.js';
import { DEMAND_KIND_LABELS, type Demand } from '../../shared/electoral/types.js';
import { GuichetError } from '../../shared/errors.js';
import { type CoreContext, enforce } from '../core/client-domain.js';
import type { ChannelHandlers } from '../core/handlers.js';
import type { JustificatifStore } from './justificatif-store.js';
import { letterEml, letterPdf } from './letters.js';
import type { DemandStore } from './record-stores.js';

const STEP_FIELD: Record<DemandStep, 'noticeDate' | 'notificationDate' | 'reuTransmittedDate'> = {
  notice: 'noticeDate',
  notification: 'notificationDate',
  reu: 'reuTransmittedDate',
};
const STEP_LABEL: Record<DemandStep, string> = {
  notice: 'préavis envoyé',
  notification: 'décision notifiée',
  reu: 'transmise au REU',
};

export interface DemandUpdater {
  /** Applies `change` to the demand if the shared rule allows it; the write and its outbox row in one transaction. */
  update(id: string, change: (d: Demand) => Demand, summary: string, before?: () => void): Demand;
}

export function createDemandUpdater(ctx: CoreContext, demands: DemandStore): DemandUpdater {
  return {
    update(id, change, summary, before) {
      const today = parisDay(ctx.platform.now());
      const next = ctx.db.transaction((): Demand => {
        const found = demands.get(id);
        if (!found) throw new GuichetError('not_found', "Cette demande n'existe pas (ou plus) sur ce poste.", `demand ${id} unknown`);
        const after = change(found.demand);
        enforce(checkDemandWrite({ before: found.demand, after, may: ctx.may, today }));
        before?.();
        demands.put(after, found.version);
        ctx.outbox.enqueue({
          kind: 'upsert',
          collection: 'electoral.demands',
          recordId: id,
          baseVersion: found.version,
          data: after,
          summary: `Demande : ${DEMAND_KIND_LABELS[after.kind].toLowerCase()} (${summary})`,
        });
        return after;
      })();
      ctx.requestSync();
      return next;
    },
  };
}

export function demandFollowUpHandlers(
  ctx: CoreContext,
  stores: { demands: DemandStore; justificatifs: JustificatifStore },
  log: Logger,
): ChannelHandlers<DemandFollowUpChannels> {
  const { demands, justificatifs } = stores;
  const updater = createDemandUpdater(ctx, demands);
  const today = () => parisDay(ctx.platform.now());

  function demandOf(id: string): Demand {
    const found = demands.get(id);
    if (!found) throw new GuichetError('not_found', "Cette demande n'existe pas (ou plus) sur ce poste.", `demand ${id} unknown`);
    return found.demand;
  }

  return {
    'electoral:add-justificatif': async ({ id, file }) => {
      ctx.requirePermission('electoral.demand');
      demandOf(id);
      const { sha256, size } = await justificatifs.putBytes(file.content);
      const j: Justificatif = { sha256, fileName: file.fileName, mime: file.mime, size, piece: file.piece, addedOn: today() };
      const next = updater.update(
        id,
        (d) => (d.justificatifs.some((x) => x.sha256 === sha256) ? d : { ...d, justificatifs: [...d.justificatifs, j] }),
        `pièce jointe`,
        () => justificatifs.index(j),
      );
      log.info({ demandId: id, piece: file.piece }, 'justificatif attached');
      return next;
    },

    'electoral:justificatif': ({ sha256 }) => {
      ctx.requirePermission('electoral.read');
      // The piece as a demand names it: what to download when it was scanned on another PC.
      const known =
        demands
          .list(null)
          .flatMap((r) => r.demand.justificatifs)
          .find((j) => j.sha256 === sha256) ?? null;
      return justificatifs.read(sha256, known, ctx.hub());
    },

    'electoral:decide': ({ id, decision, date, reason }) => {
      ctx.requirePermission('electoral.demand');
      return updater.update(
        id,
        (d) => ({ ...d, status: decision, decisionDate: date, refusalReason: decision === 'refusee' ? reason : null }),
        decision === 'acceptee' ? 'acceptée' : 'refusée',
      );
    },

    'electoral:record-step': ({ id, step, date }) => {
      ctx.requirePermission('electoral.demand');
      const field = STEP_FIELD[step];
      return updater.update(id, (d) => ({ ...d, [field]: date }), STEP_LABEL[step]);
    },

    'electoral:demand-letter': async ({ id, letter }) => {
      ctx.requirePermission('electoral.read');
      const d = demandOf(id);
      const commune = ctx.session().commune;
      const letterCtx = { communeName: commune?.name ?? '', today: today(), signatory: 'Le maire' };
      const pdf = await letterPdf(d, letter, letterCtx);
      const base = `${letter}-${d.applicant.birthName.replace(/[^A-Za-z0-9-]+/g, '_')}-${letterCtx.today}`;
      const eml = letterEml(d, letter, pdf, `${base}.pdf`, letterCtx);
      const subject = encodeURIComponent(`${DEMAND_LETTER_LABELS[letter]} — Mairie de ${letterCtx.communeName}`);
      return {
        pdf: { fileName: `${base}.pdf`, mime: 'application/pdf', content: pdf },
        eml: { fileName: `${base}.eml`, mime: 'message/rfc822', content: new TextEncoder().encode(eml) },
        mailto: d.email ? `mailto:${encodeURIComponent(d.email)}?subject=${subject}` : null,
      };
    },
  };
}
