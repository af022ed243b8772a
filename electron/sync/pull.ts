import type Database from 'better-sqlite3';
import type { Logger } from 'pino';
import { GuichetError } from '../../shared/errors.js';
import { type DeriveId, MalformedBlockError, readBlocks } from '../../shared/sync/columns.js';
import { timeStep, timeStepAsync } from '../../shared/sync/step-timer.js';
import type { CollectionName, PullResponse, SnapshotResponse } from '../../shared/sync/protocol.js';
import { type HubClient, MALFORMED_ANSWER_MESSAGE } from '../hub-client/hub-client.js';
import type { SyncOutbox } from './outbox.js';
import type { LocalReplica } from './replica.js';
import { createPullStaging, createSnapshotStaging, type PullStaging, type SnapshotPage, type SnapshotStaging } from './staging.js';
import type { SyncStore } from './sync-store.js';

/**
 * What a pull brought, held in memory until it is applied: the changes after
 * the stored cursor, or a whole snapshot when the hub asks for a resync (or a
 * refused command left local state the hub never saw).
 */
export type Staged =
  | { kind: 'pull'; epoch: string; cursor: number; records: PullStaging }
  | { kind: 'snapshot'; epoch: string; asOf: number; records: SnapshotStaging };

export interface PullerOptions {
  db: Database.Database;
  store: SyncStore;
  outbox: SyncOutbox;
  replica: LocalReplica;
  log: Logger;
  pullLimit: number;
  snapshotLimit: number;
  /** Collections whose ids follow from their data (the compact snapshot leaves those ids out). */
  deriveId?: DeriveId;
  /** Told when a snapshot starts (it is long: the screen says so). */
  onSnapshot: () => void;
}

export interface Puller {
  /** Reads the hub's changes (or a snapshot) into memory; touches no table. */
  fetch(hub: HubClient): Promise<Staged>;
  /** The one transaction that moves the replica forward: records, cursor and epoch together. */
  apply(staged: Staged): number;
}

/**
 * Pulled pages only go to memory; the local tables and the new cursor change
 * together in one transaction, so the replica is always at a cursor it fully
 * holds and a crash mid-pull simply pulls again from the stored cursor.
 */
export function createPuller(options: PullerOptions): Puller {
  const { db, store, outbox, replica, log, pullLimit, snapshotLimit } = options;

  async function fetchChanges(hub: HubClient): Promise<Staged> {
    const known = store.position();
    // A PC that never synced takes a snapshot: live records only, in the compact encoding, laid down in bulk.
    if (store.snapshotForced() || known.epoch === null) return timeStepAsync('pc.fetch', () => fetchSnapshot(hub));
    const records = createPullStaging();
    let { epoch, cursor } = known;
    for (;;) {
      let page: PullResponse;
      try {
        page = await hub.pull({ ...(known.epoch ? { epoch: known.epoch } : {}), cursor, limit: pullLimit });
      } catch (err) {
        if (!(err instanceof GuichetError && err.code === 'resync_required')) throw err;
        log.info({ detail: err.detail }, 'hub asks for a resync');
        return fetchSnapshot(hub);
      }
      // Another epoch (the hub's log was rebuilt, before or during this pull): the cursor means nothing there.
      if (epoch !== null && page.epoch !== epoch) return fetchSnapshot(hub);
      epoch = page.epoch;
      records.add(page.changes);
      cursor = page.cursor;
      if (!page.hasMore) return { kind: 'pull', epoch, cursor, records };
    }
  }

  async function fetchSnapshot(hub: HubClient): Promise<Staged> {
    options.onSnapshot();
    const records = createSnapshotStaging();
    const first = await timeStepAsync('pc.request', () => hub.snapshot({ limit: snapshotLimit, format: 'columns' }));
    const { asOf, epoch } = first;
    const ask = (after: string) =>
      timeStepAsync('pc.request', () => hub.snapshot({ asOf, after, limit: snapshotLimit, format: 'columns' }));
    let page = first;
    for (;;) {
      // The next page is asked before this one is decoded: the hub reads and sends it meanwhile.
      const next = page.next === null ? null : ask(page.next);
      // Decoding may refuse this page: the request in flight is then dropped, its outcome unheard.
      next?.catch(() => {});
      const current = page;
      const decoded = timeStep('pc.decode', () => pageOf(current, options.deriveId));
      timeStep('pc.stage', () => records.addPage(decoded));
      if (next === null) return { kind: 'snapshot', epoch, asOf, records };
      page = await next;
    }
  }

  const applyInTransaction = db.transaction((staged: Staged): number => timeStep('pc.apply.body', () => applyBody(staged)));
  const apply = (staged: Staged): number => timeStep('pc.apply', () => applyInTransaction(staged));

  function applyBody(staged: Staged): number {
    if (staged.kind === 'pull') {
      const records = staged.records.latest();
      const pending = new Map<CollectionName, Set<string>>();
      for (const r of records) {
        if (!pending.has(r.collection)) pending.set(r.collection, outbox.pendingIds(r.collection));
        // A record with a queued change keeps the local edit; the hub's answer to the push settles it.
        if (!pending.get(r.collection)!.has(r.id)) replica.apply(r);
      }
      store.setPosition(staged.epoch, staged.cursor);
      return records.length;
    }
    timeStep('pc.clear', () => replica.clearAll());
    timeStep('pc.load', () => replica.load(staged.records.pages()));
    timeStep('pc.reapply', () => replica.reapplyPending());
    store.setPosition(staged.epoch, staged.asOf);
    store.setSnapshotForced(false);
    return staged.records.size();
  }

  return { fetch: fetchChanges, apply };
}

/**
 * A snapshot page's blocks, checked and kept in columns, and its records, whichever encoding the hub
 * answered in (a hub before `format=columns` sends records only).
 */
function pageOf(page: SnapshotResponse, derive: DeriveId | undefined): SnapshotPage {
  if (!page.blocks) return { blocks: [], records: page.records };
  try {
    return { blocks: readBlocks(page.blocks, derive), records: page.records };
  } catch (err) {
    if (!(err instanceof MalformedBlockError)) throw err;
    throw new GuichetError('hub_unavailable', MALFORMED_ANSWER_MESSAGE, `GET snapshot → ${err.message}`);
  }
}
