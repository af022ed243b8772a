import { assistanceDomain } from '../../shared/assistance/domain.js';
import type { AssistanceChannels } from '../../shared/assistance/ipc.js';
import { GuichetError } from '../../shared/errors.js';
import type { ClientDomain } from '../core/client-domain.js';
import type { ChannelHandlers } from '../core/handlers.js';
import { createAssistanceSession } from './session.js';

/** Remote assistance on the PC: no local table (the PC's record of a session is its log; the hub keeps the audit). */
export const assistanceClient: ClientDomain = {
  spec: assistanceDomain,
  migrations: [],
  create(ctx) {
    const session = createAssistanceSession(ctx);
    const handlers: ChannelHandlers<AssistanceChannels> = {
      'assistance:state': () => session.state(),
      'assistance:request': () => session.request(),
      'assistance:accept': () => session.accept(),
      'assistance:refuse': () => session.refuse(),
      'assistance:grant-control': () => session.grantControl(),
      'assistance:take-back': () => session.takeBack(),
      'assistance:end': () => session.end(),
      'assistance:chat': ({ text }) => session.chat(text),
      'assistance:send-diagnostic': () => session.sendDiagnostic(),
      'assistance:frames': ({ json }) => {
        session.frames(json);
        return null;
      },
      'assistance:applied': ({ seq, ok, refusal }) => {
        session.applied(seq, ok, refusal);
        return null;
      },
      'assistance:history': async () => {
        ctx.requirePermission('assistance.history');
        const hub = ctx.hub();
        if (!hub)
          throw new GuichetError('offline', "L'historique de l'assistance est gardé par le hub : reconnectez-vous.", 'history offline');
        return hub.assistanceHistory();
      },
    };
    return { handlers, collections: [], onSessionEnd: () => session.close() };
  },
};
