/**
 * What every part of the acts domain on the PC shares: the core context, the
 * stores, and the reading of an act as the screens see it. Built once by
 * module.ts and handed to each group of handlers.
 */
import type Database from 'better-sqlite3';
import type { Logger } from 'pino';
import type { ActDetail, UploadState } from '../../shared/acts/ipc.js';
import type { ActRecord, ActState, ActStatusRecord, StoredFile } from '../../shared/acts/records.js';
import { checkActWrite } from '../../shared/acts/rules.js';
import { GuichetError } from '../../shared/errors.js';
import { type CoreContext, enforce } from '../core/client-domain.js';
import type { ActStore } from './act-store.js';
import type { Certificates } from './certificates.js';
import type { FileStore } from '../files/file-store.js';
import type { TrustListCopy } from './trust-list.js';

export interface ActsContext {
  ctx: CoreContext;
  db: Database.Database;
  log: Logger;
  now(): Date;
  acts: ActStore;
  files: FileStore;
  certificates: Certificates;
  /** The département's trust list, as last fetched from the hub. */
  trust: TrustListCopy;
  userName(): string;
  requireAct(id: string): { act: ActRecord; version: number | null };
  /** How far each file of the act went to the hub. */
  uploadsOf(act: ActRecord): UploadState[];
  detail(id: string): ActDetail;
  /**
   * The act record written locally and queued for the hub, in the caller's transaction,
   * after the hub's own write rule (shared/acts/rules.ts) said yes.
   */
  writeAct(before: ActRecord | null, act: ActRecord, baseVersion: number | null, summary: string): void;
}

export function filesOf(act: ActRecord): StoredFile[] {
  return [...(act.actFile ? [act.actFile] : []), ...act.annexFiles];
}

export function stateOf(act: ActRecord, status: ActStatusRecord | null): ActState {
  // Until the hub has seen the transmission request, the PC knows better than an older status.
  if (status && !(act.transmitRequested && (status.state === 'brouillon' || status.state === 'signe'))) return status.state;
  return act.transmitRequested ? 'poste' : act.signature ? 'signe' : 'brouillon';
}

export function createActsContext(
  ctx: CoreContext,
  stores: { acts: ActStore; files: FileStore; certificates: Certificates; trust: TrustListCopy },
  log: Logger,
): ActsContext {
  const { acts, files } = stores;
  const now = () => ctx.platform.now();

  function requireAct(id: string): { act: ActRecord; version: number | null } {
    const found = acts.get(id);
    if (!found) throw new GuichetError('not_found', "Cet acte n'est pas sur ce poste : synchronisez, puis réessayez.", `act ${id} unknown`);
    return found;
  }

  function uploadsOf(act: ActRecord): UploadState[] {
    return filesOf(act).map((f) => {
      const row = files.get(f.sha256);
      // A file this PC never held came from the hub: it is there whole.
      const uploaded = !row || row.state === 'done' ? f.size : row.uploaded;
      return { sha256: f.sha256, fileName: f.fileName, size: f.size, uploaded };
    });
  }

  return {
    ctx,
    db: ctx.db,
    log,
    now,
    ...stores,
    userName: () => ctx.session().user?.displayName ?? 'Utilisateur inconnu',
    requireAct,
    uploadsOf,
    detail(id) {
      const { act } = requireAct(id);
      const status = acts.status(id);
      const uploads = uploadsOf(act);
      return {
        act,
        status: status ? { ...status, state: stateOf(act, status) } : null,
        pending: ctx.outbox.pendingIds('acts.acts').has(id) || uploads.some((u) => u.uploaded < u.size),
        uploads,
      };
    },
    writeAct(before, act, baseVersion, summary) {
      enforce(checkActWrite({ before, after: act, may: ctx.may }));
      acts.put(act, baseVersion);
      ctx.outbox.enqueue({ kind: 'upsert', collection: 'acts.acts', recordId: act.id, baseVersion, data: act, summary });
    },
  };
}

/** Whether an act still has something on its way to the hub (its record or one of its files). */
export function isPending(ac: ActsContext, act: ActRecord, pendingIds: Set<string>): boolean {
  return pendingIds.has(act.id) || ac.uploadsOf(act).some((u) => u.uploaded < u.size);
}
