/**
 * Answering a letter of the prefecture (`acts:answer-letter`): checked with the
 * hub's own rule (shared/acts/commands.ts `checkAnswer`), the documents stored
 * and the `acts.answer` command queued with them.
 */
import { ANSWER_COMMAND, checkAnswer } from '../../shared/acts/commands.js';
import { sniffFileKind } from '../../shared/acts/file-kinds.js';
import type { ActsChannels } from '../../shared/acts/ipc.js';
import type { StoredFile } from '../../shared/acts/records.js';
import { GuichetError } from '../../shared/errors.js';
import { enforce } from '../core/client-domain.js';
import type { ChannelHandlers } from '../core/handlers.js';
import type { ActsContext } from './acts-context.js';
import { storeInputFile } from './file-access.js';

export function letterHandlers(ac: ActsContext): ChannelHandlers<Pick<ActsChannels, 'acts:answer-letter'>> {
  const { ctx } = ac;
  return {
    'acts:answer-letter': async ({ actId, letterId, type, files: inputFiles }) => {
      ctx.requirePermission('acts.transmit');
      const { act } = ac.requireAct(actId);
      const letter = ac.acts.status(actId)?.letters.find((l) => l.id === letterId && l.direction === 'recu');
      if (!letter)
        throw new GuichetError(
          'not_found',
          "Ce courrier de la préfecture n'est pas sur ce poste : synchronisez, puis réessayez.",
          `letter ${letterId} unknown`,
        );
      enforce(checkAnswer(letter.type, type, inputFiles.length));
      const stored: StoredFile[] = [];
      for (const f of inputFiles) stored.push(await storeInputFile(ac, f.fileName, f.content, sniffFileKind(f.content)));
      ac.db.transaction(() => {
        for (const f of stored) ac.files.index(f, 'pending');
        ctx.outbox.enqueue({
          kind: 'command',
          name: ANSWER_COMMAND,
          payload: { actId, letterId, type, files: stored },
          summary: `Réponse au courrier de la préfecture sur l'acte ${act.draft.numeroInterne}`,
        });
      })();
      ctx.requestSync();
      return ac.detail(actId);
    },
  };
}
