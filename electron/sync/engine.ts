import type Database from 'better-sqlite3';
import type { Logger } from 'pino';
import { GuichetError } from '../../shared/errors.js';
import { timeStep } from '../../shared/sync/step-timer.js';
import type { DeriveId } from '../../shared/sync/columns.js';
import type { SyncState } from '../../shared/sync/ipc.js';
import type { LocalCollection } from '../core/context.js';
import type { HubClient } from '../hub-client/hub-client.js';
import type { Platform } from '../platform/platform.js';
import { createMassDeletionGate, findMassDeletion } from './fail-safe.js';
import type { SyncOutbox } from './outbox.js';
import { createPuller } from './pull.js';
import { createPusher } from './push.js';
import { createLocalReplica } from './replica.js';
import { backoffDelay, createCycleHealth, createScheduler } from './scheduler.js';
import { createSyncStore } from './sync-store.js';

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
  /** Runs once after each cycle with the state it ends in (e.g. the PC's report to the console); its failures never fail the cycle. */
  afterCycle?: (hub: HubClient, state: SyncState) => Promise<void>;
  /** Collections whose ids follow from their data (the compact snapshot leaves those ids out). */
  deriveId?: DeriveId;
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

const DEFAULT_PUSH_BATCH = 200;

/**
 * Push → pull → apply, with the hub deciding every conflict. This file only
 * composes the parts: `push.ts` sends the outbox and records the answers,
 * `pull.ts` reads the hub into memory and applies it in one transaction,
 * `fail-safe.ts` holds back a pull that would delete most of a table,
 * `scheduler.ts` decides when cycles run, `sync-store.ts` owns the sync tables.
 *
 * Crash safety (kill -9 at any point loses nothing) comes from where the
 * transactions end:
 * - a local change and its outbox row commit together (domain handlers);
 * - a push answer is recorded in one transaction per batch (push.ts);
 * - the local tables and the new cursor change together (pull.ts).
 */
export function createSyncEngine(options: SyncEngineOptions): SyncEngine {
  const { db, outbox, platform } = options;
  const log = platform.log.child({ mod: 'sync' });
  const store = createSyncStore(db);
  const replica = createLocalReplica(options.collections, outbox, log);
  const pushAll = createPusher({
    db,
    store,
    outbox,
    replica,
    log,
    now: platform.now,
    batchSize: options.pushBatchSize ?? DEFAULT_PUSH_BATCH,
  });
  const puller = createPuller({
    db,
    store,
    outbox,
    replica,
    log,
    pullLimit: options.pullLimit ?? 5000,
    snapshotLimit: options.snapshotLimit ?? 10000,
    onSnapshot: () => publish('snapshot'),
    deriveId: options.deriveId,
  });
  const gate = createMassDeletionGate();
  const health = createCycleHealth();
  const timing = { intervalMs: options.intervalMs ?? 30_000, maxBackoffMs: options.maxBackoffMs ?? 5 * 60_000 };
  const scheduler = createScheduler({
    cycle,
    nextDelay: () => backoffDelay(health.failures(), timing),
    debounceMs: options.debounceMs ?? 300,
  });
  let phase: SyncState['phase'] = 'idle';
  /** Bumped by reset(): a cycle started before the replica was cleared must not lay its pull down afterwards. */
  let generation = 0;

  function state(): SyncState {
    return {
      online: health.online(),
      phase,
      pending: outbox.count(),
      lastSuccessAt: store.lastSuccessAt(),
      lastError: health.lastError(),
      massDeletion: gate.pending(),
      rejected: store.rejected.list(),
    };
  }

  function publish(next?: SyncState['phase']): SyncState {
    if (next) phase = next;
    const s = state();
    try {
      options.emit('sync:state', s);
    } catch (err) {
      log.error({ err }, 'sync state listener failed');
    }
    return s;
  }

  async function pullAndApply(hub: HubClient): Promise<void> {
    publish('pulling');
    const started = generation;
    const staged = await puller.fetch(hub);
    if (started !== generation) {
      // The replica was cleared meanwhile (another commune or role): these records and this cursor belong to the old scope.
      log.info('pull dropped: the replica was cleared while it ran');
      return;
    }
    const blocked = timeStep('pc.mass-deletion-check', () => findMassDeletion(db, replica, outbox, staged));
    if (blocked) {
      log.warn({ ...blocked, kind: staged.kind }, 'mass deletion: waiting for the user');
      gate.hold(blocked, staged);
      return;
    }
    const applied = puller.apply(staged);
    gate.clear();
    log.debug({ kind: staged.kind, applied }, 'pull applied');
  }

  async function cycle(): Promise<SyncState> {
    const hub = options.hub();
    if (!hub) return state();
    try {
      publish('pushing');
      await options.beforePush?.(hub);
      await pushAll(hub);
      // Hub data is laid down only over an empty queue (besides what arrives meanwhile, skipped by id).
      if (outbox.count() === 0 && !gate.waiting()) await pullAndApply(hub);
      health.succeeded();
      store.setLastSuccessAt(platform.now().toISOString());
    } catch (err) {
      health.failed(err);
      if (err instanceof GuichetError && err.code === 'unauthenticated') options.onUnauthenticated?.();
      logFailure(log, err);
    }
    const ended = publish(gate.pending() ? 'blocked' : 'idle');
    await options
      .afterCycle?.(hub, ended)
      .catch((err: unknown) => log.debug({ err: err instanceof Error ? err.message : 'unknown' }, 'after-cycle step failed'));
    return ended;
  }

  const runCycle = (): Promise<SyncState> => scheduler.run() ?? Promise.resolve(state());

  return {
    state,
    runCycle,
    requestSync: () => scheduler.request(),
    start: () => scheduler.start(),
    stop: () => scheduler.stop(),
    async confirmMassDeletion(accept) {
      await scheduler.settled();
      const staged = gate.take();
      if (!staged) return state();
      if (!accept) {
        // Refused: drop what was pulled; the next cycle pulls and checks again.
        log.warn('mass deletion refused by the user');
        return publish('blocked');
      }
      puller.apply(staged);
      gate.clear();
      log.warn({ kind: staged.kind }, 'mass deletion applied on user confirmation');
      const s = publish('idle');
      void runCycle();
      return s;
    },
    dismissRejected(mutationId) {
      store.rejected.dismiss(mutationId);
      return publish();
    },
    reset() {
      generation++;
      gate.clear();
      health.clearError();
      phase = 'idle';
    },
  };
}

function logFailure(log: Logger, err: unknown): void {
  if (err instanceof GuichetError) log.info({ code: err.code, detail: err.detail }, 'sync cycle failed');
  else log.error({ err }, 'sync cycle crashed');
}
