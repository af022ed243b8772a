/**
 * The electoral domain of the client core: the REU import (import-handlers.ts),
 * search, fiche and demands (demand-handlers.ts), and the local collections
 * the sync engine fills (collections.ts). Handlers receive inputs already
 * validated by the core.
 */
import type { ElectoralChannels } from '../../shared/electoral/ipc.js';
import type { PollsChannels } from '../../shared/electoral/polls-ipc.js';
import type { CoreContext } from '../core/client-domain.js';
import type { LocalCollection } from '../core/context.js';
import type { ChannelHandlers } from '../core/handlers.js';
import { createUploader } from '../files/uploader.js';
import type { HubClient } from '../hub-client/hub-client.js';
import { createElectoralCollections } from './collections.js';
import { createDemandUpdater, demandFollowUpHandlers } from './demand-follow-up.js';
import { demandHandlers } from './demand-handlers.js';
import { createElectorStore } from './elector-store.js';
import { createImportHandlers, type ImportTimings } from './import-handlers.js';
import { createPollsModule } from './polls/module.js';
import { createJustificatifStore, JUSTIFICATIF_ROUTES } from './justificatif-store.js';
import { reconcileDemands } from './reconcile.js';
import { createDemandStore, createImportStore } from './record-stores.js';

export { PREVIEW_TTL_MS, type ImportTimings } from './import-handlers.js';

export interface ElectoralModule {
  handlers: ChannelHandlers<ElectoralChannels & PollsChannels>;
  collections: LocalCollection[];
  /** Timings of the last import preview and commit. */
  lastImportTimings(): ImportTimings;
  /** Uploads the justificatifs queued on this PC; the sync engine runs it before pushing the demands that name them. */
  beforePush(hub: HubClient): Promise<void>;
}

export interface ElectoralModuleOptions {
  /** Size of each upload request of a justificatif (tests cut an upload mid-way with small chunks). */
  uploadChunkBytes?: number;
}

export function createElectoralModule(ctx: CoreContext, options: ElectoralModuleOptions = {}): ElectoralModule {
  const { db } = ctx;
  const log = ctx.log.child({ mod: 'electoral' });
  const electors = createElectorStore(db);
  const demands = createDemandStore(db);
  const imports = createImportStore(db);
  const justificatifs = createJustificatifStore(db, ctx.platform.dataDir, () => ctx.platform.now());
  const updater = createDemandUpdater(ctx, demands);
  const importing = createImportHandlers(ctx, { electors, imports }, log, (rec) =>
    reconcileDemands({ electors, demands, updater }, rec, log),
  );
  const polls = createPollsModule(ctx, demands, log);
  const uploader = createUploader({
    files: justificatifs.files,
    log,
    routes: JUSTIFICATIF_ROUTES,
    reattach: 'joignez-la de nouveau à la demande depuis le poste où elle a été numérisée',
    chunkBytes: options.uploadChunkBytes,
  });
  return {
    handlers: {
      ...importing.handlers,
      ...demandHandlers(ctx, { electors, demands, justificatifs }, log),
      ...demandFollowUpHandlers(ctx, { demands, justificatifs }, log),
      ...polls.handlers,
    },
    collections: [...createElectoralCollections(db, { electors, demands, imports }, log), ...polls.collections],
    lastImportTimings: importing.lastImportTimings,
    // The pieces go up before the demands naming them: the hub refuses a demand whose file it does not hold.
    beforePush: (hub) => uploader.uploadPending(hub),
  };
}
