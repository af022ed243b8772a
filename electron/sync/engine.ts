import type Database from 'better-sqlite3';
import { GuichetError, type ErrorBody } from '../../shared/errors.js';
import type { MassDeletionPending, RejectedChange, SyncState } from '../../shared/sync/ipc.js';
import {
  MASS_DELETION_MIN_ROWS,
  MASS_DELETION_RATIO,
  type CollectionName,
  type PullResponse,
  type PushResponse,
  type PushResult,
  type SyncRecord,
} from '../../shared/sync/protocol.js';
import type { LocalCollection } from '../core/context.js';
import type { HubClient } from '../hub-client/hub-client.js';
import type { Platform } from '../platform/platform.js';
import { toMutation, type QueuedChange, type SyncOutbox } from './outbox.js';
import { createPullStaging } from './staging.js';
import { createSyncStateStore } from './sync-state.js';

export interface SyncEngineOptions {
  db: Database.Database;
  /** The hub of the current session; null when logged out (cycles then do nothing). */
  hub: () => HubClient | null;
  collections: LocalCollection[];
  outbox: SyncOutbox;
  platform: Platform;
  emit: (event: 'sync:state', state: SyncState) => void;
  /** Called when the hub refuses the session token (revoked device, disabled user). */
  onUnauthenticated?: () => void;
  /** Runs before each push (e.g. uploading the files that queued records and commands name). */
  beforePush?: (hub: HubClient) => Promise<void>;
  pushBatchSize?: number;
  pullLimit?: number;
  snapshotLimit?: number;
  intervalMs?: number;
  debounceMs?: number;
  maxBackoffMs?: number;
}

export interface SyncEngine {
  state(): SyncState;
  /** One full cycle now (after any running one), answers the state at its end. */
  runCycle(): Promise<SyncState>;
  /** Debounced cycle, e.g. after a local change. */
  requestSync(): void;
  /** Background loop: every `intervalMs`, backing off after failures. */
  start(): void;
  /** Stops timers and waits for a running cycle. */
  stop(): Promise<void>;
  confirmMassDeletion(accept: boolean): Promise<SyncState>;
  dismissRejected(mutationId: number): SyncState;
  /** Forget a decision awaiting the user and any in-memory state (after the replica was cleared). */
  reset(): void;
}

type StagedKind = { kind: 'pull'; epoch: string; cursor: number } | { kind: 'snapshot'; epoch: string; asOf: number };

class Rollback extends Error {}

const DEFAULT_PUSH_BATCH = 200;

/**
 * Push → pull → apply, with the hub deciding every conflict.
 *
 * Crash safety (kill -9 at any point loses nothing) comes from where the
 * transactions end:
 * - a local change and its outbox row commit together (domain handlers);
 * - a push answer is recorded (outbox row removed, rejection stored, local row
 *   corrected) in one transaction per batch; dying before it commits means the
 *   batch is sent again and the hub answers its stored results (idempotent);
 * - pulled pages only go to the in-memory staging; the local tables and the new
 *   cursor change together in one transaction, so the replica is always at a
 *   cursor it fully holds. Staging is discarded at the next cycle's start.
 */
export function createSyncEngine(options: SyncEngineOptions): SyncEngine {
  const { db, outbox, platform, emit } = options;
  const log = platform.log.child({ mod: 'sync' });
  const store = createSyncStateStore(db);
  const staging = createPullStaging();
  const collections = new Map<CollectionName, LocalCollection>(options.collections.map((c) => [c.name, c]));
  const pushBatchSize = options.pushBatchSize ?? DEFAULT_PUSH_BATCH;
  const pullLimit = options.pullLimit ?? 5000;
  const snapshotLimit = options.snapshotLimit ?? 10000;
  const intervalMs = options.intervalMs ?? 30_000;
  const debounceMs = options.debounceMs ?? 300;
  const maxBackoffMs = options.maxBackoffMs ?? 5 * 60_000;

  let online = true;
  let phase: SyncState['phase'] = 'idle';
  let lastError: ErrorBody | null = null;
  let massDeletion: MassDeletionPending | null = null;
  /** Staged pull/snapshot waiting for the user's decision on a mass deletion. */
  let awaitingDecision: StagedKind | null = null;
  let failures = 0;
  let running: Promise<SyncState> | null = null;
  let queued: Promise<SyncState> | null = null;
  let loopTimer: NodeJS.Timeout | null = null;
  let debounceTimer: NodeJS.Timeout | null = null;
  let looping = false;
  let stopped = false;
  /** Bumped by reset(): a cycle started before the replica was cleared must not lay its pull down afterwards. */
  let generation = 0;

  const selectRejected = db.prepare<
    [],
    { mutation_id: number; collection: string | null; record_id: string | null; summary: string; reason: string }
  >('SELECT mutation_id, collection, record_id, summary, reason FROM rejected_changes ORDER BY mutation_id');
  const insertRejected = db.prepare(
    'INSERT OR REPLACE INTO rejected_changes (mutation_id, collection, record_id, summary, reason, rejected_at) VALUES (?, ?, ?, ?, ?, ?)',
  );

  function state(): SyncState {
    const rejected: RejectedChange[] = selectRejected.all().map((r) => ({
      mutationId: r.mutation_id,
      collection: r.collection as CollectionName | null,
      recordId: r.record_id,
      summary: r.summary,
      reason: JSON.parse(r.reason) as ErrorBody,
    }));
    return {
      online,
      phase,
      pending: outbox.count(),
      lastSuccessAt: store.get<string>('last_success_at'),
      lastError,
      massDeletion,
      rejected,
    };
  }

  function publish(next?: SyncState['phase']): SyncState {
    if (next) phase = next;
    const s = state();
    try {
      emit('sync:state', s);
    } catch (err) {
      log.error({ err }, 'sync state listener failed');
    }
    return s;
  }

  // ---- push ---------------------------------------------------------------

  /** Longest prefix of the queue with at most one change per record: a second change to a record is rebased on the first's answer. */
  function nextBatch(size: number): QueuedChange[] {
    const batch: QueuedChange[] = [];
    const seen = new Set<string>();
    for (const change of outbox.list(size)) {
      const e = change.entry;
      if (e.kind !== 'command') {
        const key = `${e.collection}\u0000${e.recordId}`;
        if (seen.has(key)) break;
        seen.add(key);
      }
      batch.push(change);
    }
    return batch;
  }

  function applyLocal(record: SyncRecord): void {
    const collection = collections.get(record.collection);
    if (collection) collection.apply(record);
    else log.warn({ collection: record.collection }, 'record of a collection this client does not hold');
  }

  const recordAnswers = db.transaction((batch: QueuedChange[], results: PushResult[], opts: { keepLocal?: boolean } = {}) => {
    const byId = new Map(batch.map((c) => [c.mutationId, c]));
    const at = platform.now().toISOString();
    let settled = 0;
    for (const result of results) {
      const change = byId.get(result.mutationId);
      if (!change) continue;
      settled++;
      outbox.remove(change.mutationId);
      const e = change.entry;
      if (result.status === 'applied' || alreadyThere(e, result)) {
        if (e.kind === 'command') continue;
        const written =
          result.status === 'applied'
            ? result.versions.find((v) => v.collection === e.collection && v.id === e.recordId)
            : { collection: e.collection, id: e.recordId, version: result.current!.version };
        const later = outbox.entriesFor(e.collection, e.recordId);
        if (later.length > 0) {
          // Later local edits were made on top of this one: they are based on the version the hub just gave it.
          if (written)
            for (const next of later)
              if (next.entry.kind !== 'command') outbox.replaceEntry(next.mutationId, { ...next.entry, baseVersion: written.version });
        } else if (written) {
          // Give the local row the hub's version now, so the next edit is not refused as stale.
          applyLocal({
            collection: e.collection,
            id: e.recordId,
            version: written.version,
            deleted: e.kind === 'delete',
            data: e.kind === 'upsert' ? e.data : null,
          });
        }
      } else {
        insertRejected.run(
          change.mutationId,
          e.kind === 'command' ? null : e.collection,
          e.kind === 'command' ? null : e.recordId,
          change.summary,
          JSON.stringify(result.reason),
          at,
        );
        log.info({ mutationId: change.mutationId, code: result.reason.code }, 'change rejected by the hub');
        if (e.kind === 'command') {
          // A command's local effect (e.g. an import) cannot be undone record by record: lay the hub's copy again.
          store.set('force_snapshot', true);
        } else if (!opts.keepLocal && outbox.entriesFor(e.collection, e.recordId).length === 0) {
          // Show the hub's truth instead of the refused optimistic row.
          applyLocal(result.current ?? { collection: e.collection, id: e.recordId, version: 0, deleted: true, data: null });
        }
      }
    }
    return settled;
  });

  /**
   * A refusal whose "current" record is exactly what we sent means our change
   * did land, under another (device, mutation) key: e.g. sent, answer lost,
   * then re-sent after logging in again (new device). Not a conflict to show.
   */
  function alreadyThere(e: QueuedChange['entry'], result: PushResult): boolean {
    if (result.status !== 'rejected' || e.kind !== 'upsert' || !result.current || result.current.deleted) return false;
    if (result.reason.code !== 'conflict' && result.reason.code !== 'stale_version') return false;
    return canonicalJson(result.current.data) === canonicalJson(e.data);
  }

  /** Whole-request refusals that one malformed change can cause (the hub could not even read the batch). */
  const isMalformedPush = (err: unknown): err is GuichetError =>
    err instanceof GuichetError && (err.code === 'bad_request' || err.code === 'invalid_input');

  async function pushAll(hub: HubClient): Promise<void> {
    let size = pushBatchSize;
    for (;;) {
      const batch = nextBatch(size);
      if (batch.length === 0) return;
      outbox.markSent(batch.map((c) => c.mutationId));
      let response: PushResponse;
      try {
        response = await hub.push({ mutations: batch.map(toMutation) });
      } catch (err) {
        if (!isMalformedPush(err)) throw err;
        // One bad change must not wedge the queue forever: find it by sending one at a time...
        if (batch.length > 1) {
          log.warn({ detail: err.detail, batch: batch.length }, 'push refused as a whole: isolating the change');
          size = 1;
          continue;
        }
        // ...then settle it as refused. Its local effect is unknown to the hub: lay the hub's copy again.
        log.warn({ mutationId: batch[0].mutationId, detail: err.detail }, 'change refused as malformed');
        db.transaction(() => {
          recordAnswers(batch, [{ mutationId: batch[0].mutationId, status: 'rejected', reason: err.toBody() }], { keepLocal: true });
          store.set('force_snapshot', true);
        })();
        size = pushBatchSize;
        continue;
      }
      const settled = recordAnswers(batch, response.results);
      log.debug({ sent: batch.length, settled }, 'push answered');
      if (settled === 0)
        throw new GuichetError(
          'internal',
          'Le hub a répondu sans traiter les modifications envoyées.',
          `push of ${batch.length} got no matching result`,
        );
    }
  }

  // ---- pull / snapshot ----------------------------------------------------

  async function pullToStaging(hub: HubClient): Promise<StagedKind> {
    staging.clear();
    if (store.get<boolean>('force_snapshot')) return snapshotToStaging(hub);
    let cursor = store.get<number>('cursor') ?? 0;
    const knownEpoch = store.get<string>('epoch');
    let epoch: string | null = null;
    for (;;) {
      let page: PullResponse;
      try {
        page = await hub.pull({ ...(knownEpoch ? { epoch: knownEpoch } : {}), cursor, limit: pullLimit });
      } catch (err) {
        if (err instanceof GuichetError && err.code === 'resync_required') {
          log.info({ detail: err.detail }, 'hub asks for a resync');
          return snapshotToStaging(hub);
        }
        throw err;
      }
      if (epoch !== null && page.epoch !== epoch) return snapshotToStaging(hub);
      epoch = page.epoch;
      if (knownEpoch && page.epoch !== knownEpoch) return snapshotToStaging(hub);
      staging.add(page.changes);
      cursor = page.cursor;
      if (!page.hasMore) return { kind: 'pull', epoch, cursor };
    }
  }

  async function snapshotToStaging(hub: HubClient): Promise<StagedKind> {
    publish('snapshot');
    staging.clear();
    let page = await hub.snapshot({ limit: snapshotLimit });
    const { asOf, epoch } = page;
    for (;;) {
      staging.add(page.records);
      if (page.next === null) return { kind: 'snapshot', epoch, asOf };
      page = await hub.snapshot({ asOf, after: page.next, limit: snapshotLimit });
    }
  }

  function pendingUpserts(): QueuedChange[] {
    return outbox.list().filter((c) => c.entry.kind !== 'command');
  }

  /** Lays the queued changes back over hub data, so the screen keeps showing what the user did. */
  function reapplyPending(): void {
    for (const c of pendingUpserts()) {
      const e = c.entry;
      if (e.kind === 'upsert')
        applyLocal({ collection: e.collection, id: e.recordId, version: e.baseVersion ?? 0, deleted: false, data: e.data });
      else if (e.kind === 'delete')
        applyLocal({ collection: e.collection, id: e.recordId, version: e.baseVersion, deleted: true, data: null });
    }
  }

  /**
   * Fail-safe: apply the staged change to the real tables inside a transaction
   * that is always rolled back, and count what would disappear. Uses only the
   * LocalCollection interface, so every domain gets it for free.
   */
  function wouldMassDelete(staged: StagedKind): MassDeletionPending | null {
    let found: MassDeletionPending | null = null;
    // Small tables cannot trip it: skip the trial entirely (the common case on a fresh PC).
    if (![...collections.values()].some((c) => c.count() >= MASS_DELETION_MIN_ROWS)) return null;
    try {
      db.transaction(() => {
        for (const [name, collection] of collections) {
          const localCount = collection.count();
          if (localCount < MASS_DELETION_MIN_ROWS) continue;
          let toDelete: number;
          if (staged.kind === 'pull') {
            const pending = outbox.pendingIds(name);
            for (const r of staging.tombstones(name)) if (!pending.has(r.id)) collection.apply(r);
            toDelete = localCount - collection.count();
          } else {
            // |local \ snapshot| = |local ∪ snapshot| − |snapshot (+ pending kept)|
            const mine = staging.latest(name);
            for (const r of mine) if (!r.deleted) collection.apply(r);
            const union = collection.count();
            collection.clear();
            for (const r of mine) collection.apply(r);
            reapplyPending();
            toDelete = union - collection.count();
          }
          if (toDelete > MASS_DELETION_RATIO * localCount) {
            found = { collection: name, localCount, toDelete };
            break;
          }
        }
        throw new Rollback();
      })();
    } catch (err) {
      if (!(err instanceof Rollback)) throw err;
    }
    return found;
  }

  /** The one transaction that moves the replica forward: records, cursor and epoch together. */
  const applyStaged = db.transaction((staged: StagedKind) => {
    const records = staging.latest();
    if (staged.kind === 'pull') {
      const pending = new Map<CollectionName, Set<string>>();
      for (const r of records) {
        if (!pending.has(r.collection)) pending.set(r.collection, outbox.pendingIds(r.collection));
        // A record with a queued change keeps the local edit; the hub's answer to the push settles it.
        if (pending.get(r.collection)!.has(r.id)) continue;
        applyLocal(r);
      }
      store.set('epoch', staged.epoch);
      store.set('cursor', staged.cursor);
    } else {
      for (const collection of collections.values()) collection.clear();
      for (const r of records) applyLocal(r);
      reapplyPending();
      store.set('epoch', staged.epoch);
      store.set('cursor', staged.asOf);
      store.delete('force_snapshot');
    }
    staging.clear();
    return records.length;
  });

  async function pullAndApply(hub: HubClient): Promise<void> {
    publish('pulling');
    const started = generation;
    const staged = await pullToStaging(hub);
    if (started !== generation) {
      // The replica was cleared meanwhile (another commune or role): these records and this cursor belong to the old scope.
      staging.clear();
      log.info('pull dropped: the replica was cleared while it ran');
      return;
    }
    const blocked = wouldMassDelete(staged);
    if (blocked) {
      log.warn({ ...blocked, kind: staged.kind }, 'mass deletion: waiting for the user');
      massDeletion = blocked;
      awaitingDecision = staged;
      return;
    }
    const applied = applyStaged(staged);
    massDeletion = null;
    log.debug({ kind: staged.kind, applied }, 'pull applied');
  }

  // ---- cycle --------------------------------------------------------------

  async function cycle(): Promise<SyncState> {
    const hub = options.hub();
    if (!hub) return state();
    try {
      publish('pushing');
      await options.beforePush?.(hub);
      await pushAll(hub);
      // Hub data is laid down only over an empty queue (besides what arrives meanwhile, skipped by id).
      if (outbox.count() === 0 && !awaitingDecision) await pullAndApply(hub);
      online = true;
      lastError = null;
      failures = 0;
      store.set('last_success_at', platform.now().toISOString());
    } catch (err) {
      failures++;
      if (err instanceof GuichetError) {
        lastError = err.toBody();
        if (err.code === 'offline') online = false;
        else online = true;
        if (err.code === 'unauthenticated') options.onUnauthenticated?.();
        log.info({ code: err.code, detail: err.detail }, 'sync cycle failed');
      } else {
        lastError = { code: 'internal', message: 'La synchronisation a rencontré une erreur inattendue ; elle sera retentée.' };
        log.error({ err }, 'sync cycle crashed');
      }
    }
    return publish(massDeletion ? 'blocked' : 'idle');
  }

  function runCycle(): Promise<SyncState> {
    if (stopped) return Promise.resolve(state());
    // A cycle asked while one runs must still see changes made after that one started.
    if (queued) return queued;
    if (!running) {
      running = cycle().finally(() => (running = null));
      return running;
    }
    queued = running.then(() => {
      queued = null;
      running = cycle().finally(() => (running = null));
      return running;
    });
    return queued;
  }

  function scheduleLoop(delay: number): void {
    if (!looping || stopped) return;
    if (loopTimer) clearTimeout(loopTimer);
    loopTimer = setTimeout(async () => {
      await runCycle();
      const backoff = failures === 0 ? intervalMs : Math.min(maxBackoffMs, 5_000 * 2 ** Math.min(failures - 1, 10));
      scheduleLoop(Math.round(backoff * (0.8 + Math.random() * 0.4)));
    }, delay);
    loopTimer.unref();
  }

  return {
    state,
    runCycle,
    requestSync() {
      if (stopped) return;
      if (debounceTimer) clearTimeout(debounceTimer);
      debounceTimer = setTimeout(() => {
        debounceTimer = null;
        void runCycle();
      }, debounceMs);
      debounceTimer.unref();
    },
    start() {
      if (looping) return;
      looping = true;
      scheduleLoop(0);
    },
    async stop() {
      stopped = true;
      looping = false;
      if (loopTimer) clearTimeout(loopTimer);
      if (debounceTimer) clearTimeout(debounceTimer);
      await (queued ?? running)?.catch(() => undefined);
    },
    async confirmMassDeletion(accept) {
      await (queued ?? running)?.catch(() => undefined);
      const staged = awaitingDecision;
      if (!staged) return state();
      awaitingDecision = null;
      if (accept) {
        applyStaged(staged);
        massDeletion = null;
        log.warn({ kind: staged.kind }, 'mass deletion applied on user confirmation');
        const s = publish('idle');
        void runCycle();
        return s;
      }
      // Refused: drop what was pulled; the next cycle pulls and checks again.
      staging.clear();
      log.warn('mass deletion refused by the user');
      return publish('blocked');
    },
    dismissRejected(mutationId) {
      db.prepare('DELETE FROM rejected_changes WHERE mutation_id = ?').run(mutationId);
      return publish();
    },
    reset() {
      generation++;
      staging.clear();
      awaitingDecision = null;
      massDeletion = null;
      lastError = null;
      phase = 'idle';
    },
  };
}

/** JSON with object keys sorted, to compare records whatever the key order. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}
