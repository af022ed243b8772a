/**
 * The legality-control domain of the client core (`acts:*` channels). Each
 * concern has its file: drafting.ts (offline drafting rules, create),
 * signing-handlers.ts (certificate, PAdES), transmission.ts (transmit, cancel),
 * letters.ts (answers to the prefecture), document-handlers.ts (reading, files,
 * bordereau), uploader.ts (files uploaded, resumably, before the outbox is
 * pushed). Handlers receive inputs already validated by the core.
 */
import { ANSWER_COMMAND, TRANSMIT_COMMAND } from '../../shared/acts/commands.js';
import type { ActsChannels } from '../../shared/acts/ipc.js';
import type { CoreContext } from '../core/client-domain.js';
import type { LocalCollection } from '../core/context.js';
import type { ChannelHandlers } from '../core/handlers.js';
import type { HubClient } from '../hub-client/hub-client.js';
import { createActsContext } from './acts-context.js';
import { createActStore } from './act-store.js';
import { createCertificates } from './certificates.js';
import { createActsCollections } from './collections.js';
import { readingHandlers } from './document-handlers.js';
import { draftingHandlers } from './drafting.js';
import { createFileStore } from '../files/file-store.js';
import { letterHandlers } from './letters.js';
import { signingHandlers } from './signing-handlers.js';
import { transmissionHandlers } from './transmission.js';
import { createTrustList } from './trust-list.js';
import { createUploader } from '../files/uploader.js';

export interface ActsModule {
  handlers: ChannelHandlers<ActsChannels>;
  collections: LocalCollection[];
  /** Uploads the pending files; the sync engine runs it before pushing the outbox. */
  beforePush(hub: HubClient): Promise<void>;
  /** A transmission (or an answer) to the prefecture is busy work until the hub acknowledges its command. */
  busyCommands: readonly { name: string; kind: 'transmission'; label: string }[];
}

export interface ActsModuleOptions {
  uploadChunkBytes?: number;
}

export function createActsModule(ctx: CoreContext, options: ActsModuleOptions = {}): ActsModule {
  const { db } = ctx;
  const log = ctx.log.child({ mod: 'acts' });
  const now = () => ctx.platform.now();
  const acts = createActStore(db);
  const files = createFileStore(db, ctx.platform.dataDir, now);
  const certificates = createCertificates(db, ctx.platform.dataDir, now);
  const uploader = createUploader({
    files,
    log,
    progress: (p) => ctx.emit('acts:upload-progress', p),
    chunkBytes: options.uploadChunkBytes,
  });
  // Orphans of an interrupted create or sign are harmless; clear them once per start, in the background.
  void files.sweepOrphans().then(
    (n) => n > 0 && log.info({ removed: n }, 'orphan act files removed'),
    (err) => log.warn({ err }, 'orphan act files sweep failed'),
  );
  const trust = createTrustList(ctx.platform.dataDir, now, log);
  const ac = createActsContext(ctx, { acts, files, certificates, trust }, log);
  return {
    handlers: {
      ...readingHandlers(ac),
      ...draftingHandlers(ac),
      ...signingHandlers(ac),
      ...transmissionHandlers(ac),
      ...letterHandlers(ac),
    },
    collections: createActsCollections(db, acts, log),
    beforePush: async (hub) => {
      await trust.refreshIfStale(hub);
      // The act files go up before the transmission commands; an update's restart waits (core/busy.ts).
      await ctx.busy.run('transmission', 'envoi des actes au hub', () => uploader.uploadPending(hub));
    },
    busyCommands: [
      { name: TRANSMIT_COMMAND, kind: 'transmission', label: "transmission d'un acte à la préfecture" },
      { name: ANSWER_COMMAND, kind: 'transmission', label: 'réponse à la préfecture' },
    ],
  };
}
