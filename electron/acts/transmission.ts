/**
 * Asking the hub to send an act to the prefecture, or to cancel it
 * (`acts:transmit`, `acts:cancel`): the commands are queued with the record,
 * the hub forwards them (nothing is sent twice: see hub-server/acts/forwarder.ts).
 */
import { CANCEL_COMMAND, TRANSMIT_COMMAND } from '../../shared/acts/commands.js';
import type { ActsChannels } from '../../shared/acts/ipc.js';
import type { ActRecord } from '../../shared/acts/records.js';
import { requiresPadesSignature } from '../../shared/acts/rules.js';
import { GuichetError } from '../../shared/errors.js';
import type { ChannelHandlers } from '../core/handlers.js';
import type { ActsContext } from './acts-context.js';
import { problemsOf, refuseProblems } from './drafting.js';

type TransmissionChannels = Pick<ActsChannels, 'acts:transmit' | 'acts:cancel'>;

/**
 * Asked again: only worth a new command when the hub answered an error (or refused the
 * command: it holds the act but never gave it a status); otherwise one is on its way.
 */
function transmitAgain(ac: ActsContext, act: ActRecord): void {
  const status = ac.acts.status(act.id);
  const retry = status?.state === 'erreur' || (!status && !ac.ctx.outbox.pendingIds('acts.acts').has(act.id));
  if (!retry) return;
  ac.db.transaction(() => {
    ac.ctx.outbox.enqueue({
      kind: 'command',
      name: TRANSMIT_COMMAND,
      payload: { actId: act.id },
      summary: `Nouvelle transmission de l'acte ${act.draft.numeroInterne} à la préfecture`,
    });
  })();
  ac.log.info({ actId: act.id }, 'act queued again for transmission');
  ac.ctx.requestSync();
}

export function transmissionHandlers(ac: ActsContext): ChannelHandlers<TransmissionChannels> {
  const { ctx } = ac;
  return {
    'acts:transmit': ({ id }) => {
      ctx.requirePermission('acts.transmit');
      const { act } = ac.requireAct(id);
      if (act.transmitRequested) {
        transmitAgain(ac, act);
        return ac.detail(id);
      }
      if (!act.signature && requiresPadesSignature(act.draft.act.kind))
        throw new GuichetError('invalid_input', "Signez l'acte avant de le transmettre à la préfecture.", `act ${id} not signed`);
      // The classification may have changed since the draft: the prefecture would answer an anomaly.
      refuseProblems(problemsOf(ac, act.draft, id), 'transmit refused');
      ac.db.transaction(() => {
        const current = ac.requireAct(id);
        const next: ActRecord = { ...current.act, transmitRequested: true };
        ac.writeAct(current.act, next, current.version, `Acte ${next.draft.numeroInterne} prêt à transmettre`);
        // After the upsert in the queue, and the engine uploads the files before any push.
        ctx.outbox.enqueue({
          kind: 'command',
          name: TRANSMIT_COMMAND,
          payload: { actId: id },
          summary: `Transmission de l'acte ${next.draft.numeroInterne} à la préfecture`,
        });
      })();
      ac.log.info({ actId: id }, 'act queued for transmission');
      ctx.requestSync();
      return ac.detail(id);
    },

    'acts:cancel': ({ id }) => {
      ctx.requirePermission('acts.transmit');
      const { act } = ac.requireAct(id);
      const status = ac.acts.status(id);
      if (status?.state === 'annulation_demandee' || status?.state === 'annule') return ac.detail(id);
      if (status?.state !== 'acquitte' || !status.idActe)
        throw new GuichetError(
          'invalid_input',
          'Seul un acte dont la préfecture a accusé réception peut être annulé.',
          `act ${id} state ${status?.state ?? 'none'}`,
        );
      ac.db.transaction(() => {
        ctx.outbox.enqueue({
          kind: 'command',
          name: CANCEL_COMMAND,
          payload: { actId: id },
          summary: `Annulation de l'acte ${act.draft.numeroInterne}`,
        });
      })();
      ctx.requestSync();
      return ac.detail(id);
    },
  };
}
