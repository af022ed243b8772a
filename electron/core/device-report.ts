import { release, type as osType } from 'node:os';
import type { UpdateState } from '../../shared/api/updates.js';
import type { DeviceReport } from '../../shared/console/views.js';
import type { SyncState } from '../../shared/sync/ipc.js';
import { appVersion } from '../assistance/diagnostic.js';

/**
 * What the PC tells the console about itself after each sync (POST /api/v1/device/report):
 * version, system, queue, last error's French sentence, update state. Nothing personal.
 */
export function deviceReportOf(state: SyncState, update: UpdateState | null): DeviceReport {
  return {
    appVersion: appVersion().slice(0, 50),
    os: `${osType()} ${release()}`.slice(0, 100),
    lastSyncAt: state.lastSuccessAt,
    pendingChanges: state.pending,
    lastError: state.lastError?.message.slice(0, 500) ?? null,
    update: update ? { status: update.status.slice(0, 40), version: update.version?.slice(0, 50) ?? null } : null,
  };
}
