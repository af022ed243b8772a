import type Database from 'better-sqlite3';
import type { MassDeletionPending } from '../../shared/sync/ipc.js';
import { MASS_DELETION_MIN_ROWS, MASS_DELETION_RATIO } from '../../shared/sync/protocol.js';
import type { LocalCollection } from '../core/context.js';
import type { SyncOutbox } from './outbox.js';
import type { Staged } from './pull.js';
import type { LocalReplica } from './replica.js';

/**
 * The mass-deletion rule: a pull or snapshot that would remove more than
 * MASS_DELETION_RATIO of a local table stops and asks the user. A table under
 * MASS_DELETION_MIN_ROWS rows cannot trip it (emptying three demands is normal).
 */
export function isMassDeletion(localCount: number, toDelete: number): boolean {
  return localCount >= MASS_DELETION_MIN_ROWS && toDelete > MASS_DELETION_RATIO * localCount;
}

class Rollback extends Error {}

/**
 * Counts what applying `staged` would remove by applying it to the real tables
 * in a transaction that is always rolled back. Uses only the LocalCollection
 * interface, so every domain gets the fail-safe for free. Answers the first
 * collection that trips the rule, or null.
 */
export function findMassDeletion(
  db: Database.Database,
  replica: LocalReplica,
  outbox: Pick<SyncOutbox, 'pendingIds'>,
  staged: Staged,
): MassDeletionPending | null {
  const collections = [...replica.collections.values()];
  // Small tables cannot trip it: skip the trial entirely (the common case on a fresh PC).
  if (!collections.some((c) => c.count() >= MASS_DELETION_MIN_ROWS)) return null;
  let found: MassDeletionPending | null = null;
  try {
    db.transaction(() => {
      for (const collection of collections) {
        const localCount = collection.count();
        if (localCount < MASS_DELETION_MIN_ROWS) continue;
        const toDelete = staged.kind === 'pull' ? trialPull(collection, outbox, staged) : trialSnapshot(collection, replica, staged);
        if (isMassDeletion(localCount, toDelete)) {
          found = { collection: collection.name, localCount, toDelete };
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

/** Rows a pull would delete: its tombstones, except for records with a queued change (the local edit is kept). */
function trialPull(collection: LocalCollection, outbox: Pick<SyncOutbox, 'pendingIds'>, staged: Staged): number {
  const before = collection.count();
  const pending = outbox.pendingIds(collection.name);
  for (const r of staged.records.tombstones(collection.name)) if (!pending.has(r.id)) collection.apply(r);
  return before - collection.count();
}

/** Rows a snapshot would drop: |local \ snapshot| = |local ∪ snapshot| − |snapshot (+ pending kept)|. */
function trialSnapshot(collection: LocalCollection, replica: LocalReplica, staged: Staged): number {
  const mine = staged.records.latest(collection.name);
  for (const r of mine) if (!r.deleted) collection.apply(r);
  const union = collection.count();
  collection.clear();
  for (const r of mine) collection.apply(r);
  replica.reapplyPending();
  return union - collection.count();
}

/**
 * A pull held back by the fail-safe, waiting for the user's answer. While one
 * waits, cycles still push but pull nothing new (the decision is about this one).
 */
export interface MassDeletionGate {
  /** What the user is shown; stays after a refusal until a pull passes or is confirmed. */
  pending(): MassDeletionPending | null;
  /** A pull is held back, awaiting the user's answer. */
  waiting(): boolean;
  hold(found: MassDeletionPending, staged: Staged): void;
  /** The held pull, handed over once (the user answered); null if none waits. */
  take(): Staged | null;
  /** Nothing waits any more: the pull was applied, refused, or the replica was cleared. */
  clear(): void;
}

export function createMassDeletionGate(): MassDeletionGate {
  let found: MassDeletionPending | null = null;
  let held: Staged | null = null;
  return {
    pending: () => found,
    waiting: () => held !== null,
    hold(f, staged) {
      found = f;
      held = staged;
    },
    take() {
      const staged = held;
      held = null;
      return staged;
    },
    clear() {
      found = null;
      held = null;
    },
  };
}
