import { describe, expect, it } from 'vitest';
import { MASS_DELETION_MIN_ROWS } from '../../shared/sync/protocol.js';
import { createMassDeletionGate, findMassDeletion, isMassDeletion } from './fail-safe.js';
import type { Staged } from './pull.js';
import { createPullStaging, createSnapshotStaging } from './staging.js';
import { openToyReplica, TOY, toyRecord } from './test-fixtures.js';

const pullOf = (...records: ReturnType<typeof toyRecord>[]): Staged => {
  const staged = createPullStaging();
  staged.add(records);
  return { kind: 'pull', epoch: 'e1', cursor: 99, records: staged };
};
const snapshotOf = (...records: ReturnType<typeof toyRecord>[]): Staged => {
  const staged = createSnapshotStaging();
  staged.add(records);
  return { kind: 'snapshot', epoch: 'e1', asOf: 99, records: staged };
};
const tombstones = (from: number, to: number) =>
  Array.from({ length: to - from }, (_, i) => toyRecord(`r${String(from + i).padStart(3, '0')}`, 2, true));
const live = (from: number, to: number) =>
  Array.from({ length: to - from }, (_, i) => toyRecord(`r${String(from + i).padStart(3, '0')}`, 2));

describe('mass-deletion rule', () => {
  it('trips only above half of a table of at least the minimum size', () => {
    expect(isMassDeletion(20, 11)).toBe(true);
    expect(isMassDeletion(20, 10)).toBe(false); // exactly half: allowed
    expect(isMassDeletion(MASS_DELETION_MIN_ROWS - 1, MASS_DELETION_MIN_ROWS - 1)).toBe(false); // a small table may empty
    expect(isMassDeletion(MASS_DELETION_MIN_ROWS, MASS_DELETION_MIN_ROWS)).toBe(true);
  });
});

describe('mass-deletion trial on the real tables', () => {
  it('holds back a pull whose tombstones remove most rows, and leaves the table untouched', () => {
    const t = openToyReplica();
    t.seed(20);
    expect(findMassDeletion(t.db, t.replica, t.outbox, pullOf(...tombstones(0, 11)))).toEqual({
      collection: TOY,
      localCount: 20,
      toDelete: 11,
    });
    expect(t.ids()).toHaveLength(20);
    expect(findMassDeletion(t.db, t.replica, t.outbox, pullOf(...tombstones(0, 10)))).toBeNull();
    t.db.close();
  });

  it('does not count records the user changed locally: the pull keeps them', () => {
    const t = openToyReplica();
    t.seed(20);
    t.editLocally('r000');
    t.editLocally('r001');
    // 11 tombstones, 2 of them on records with a queued change: 9 would go.
    expect(findMassDeletion(t.db, t.replica, t.outbox, pullOf(...tombstones(0, 11)))).toBeNull();
    t.db.close();
  });

  it('holds back a snapshot that lacks most local rows, counting queued changes as kept', () => {
    const t = openToyReplica();
    t.seed(20);
    expect(findMassDeletion(t.db, t.replica, t.outbox, snapshotOf(...live(0, 9), toyRecord('new', 3)))).toEqual({
      collection: TOY,
      localCount: 20,
      toDelete: 11,
    });
    t.editLocally('r019'); // re-laid over the snapshot: not lost
    expect(findMassDeletion(t.db, t.replica, t.outbox, snapshotOf(...live(0, 9)))).toBeNull();
    expect(t.ids()).toHaveLength(20);
    expect(t.outbox.count()).toBe(1);
    t.db.close();
  });

  it('never stops a small table from emptying', () => {
    const t = openToyReplica();
    t.seed(MASS_DELETION_MIN_ROWS - 1);
    expect(findMassDeletion(t.db, t.replica, t.outbox, snapshotOf())).toBeNull();
    t.db.close();
  });
});

describe('mass-deletion gate', () => {
  it('hands the held pull over once, and keeps showing the warning until cleared', () => {
    const gate = createMassDeletionGate();
    const found = { collection: TOY, localCount: 20, toDelete: 15 };
    const staged = pullOf();
    expect(gate.take()).toBeNull();
    gate.hold(found, staged);
    expect(gate.waiting()).toBe(true);
    expect(gate.take()).toBe(staged);
    expect(gate.take()).toBeNull();
    expect(gate.waiting()).toBe(false);
    // Refused by the user: the next cycle pulls again, the warning stays meanwhile.
    expect(gate.pending()).toEqual(found);
    gate.clear();
    expect(gate.pending()).toBeNull();
  });
});
