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
import { createElectoralCollections } from './collections.js';
import { demandHandlers } from './demand-handlers.js';
import { createElectorStore } from './elector-store.js';
import { createImportHandlers, type ImportTimings } from './import-handlers.js';
import { createPollsModule } from './polls/module.js';
import { createDemandStore, createImportStore } from './record-stores.js';

export { PREVIEW_TTL_MS, type ImportTimings } from './import-handlers.js';

export interface ElectoralModule {
  handlers: ChannelHandlers<ElectoralChannels & PollsChannels>;
  collections: LocalCollection[];
  /** Timings of the last import preview and commit. */
  lastImportTimings(): ImportTimings;
}

export function createElectoralModule(ctx: CoreContext): ElectoralModule {
  const { db } = ctx;
  const log = ctx.log.child({ mod: 'electoral' });
  const electors = createElectorStore(db);
  const demands = createDemandStore(db);
  const imports = createImportStore(db);
  const importing = createImportHandlers(ctx, { electors, imports }, log);
  const polls = createPollsModule(ctx, demands, log);
  return {
    handlers: { ...importing.handlers, ...demandHandlers(ctx, { electors, demands }, log), ...polls.handlers },
    collections: [...createElectoralCollections(db, { electors, demands, imports }, log), ...polls.collections],
    lastImportTimings: importing.lastImportTimings,
  };
}
