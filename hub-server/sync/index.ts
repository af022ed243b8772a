/** The hub sync engine's public surface (routes, admin maintenance, domain commands). */
export { registerSyncRoutes } from './routes.js';
export type { CommandContext, CommandHandler, CommandOutcome } from './commands.js';
export { purgeTombstones, resetCommuneSync, scheduleTombstonePurge, type TombstonePurgeSchedule } from './maintenance.js';
export { applyPush, type PushDomains, type PushOutcome } from './push.js';
export { pullChanges, readSnapshot } from './read.js';
export {
  ensureCommuneSync,
  readAllRecords,
  readRecord,
  type CommuneSyncState,
  type RecordWrite,
  type StoredRecord,
  type WrittenVersion,
} from './store.js';
export type { SyncTables } from './tables.js';
