import { describe, expect, it } from 'vitest';
import { createSyncStore } from './sync-store.js';
import { openToyReplica, TOY } from './test-fixtures.js';

const reason = { code: 'stale_version', message: 'Modifié entre-temps sur un autre poste.' };

describe('sync store', () => {
  it('starts at cursor 0 of no epoch, and keeps the position written with the records it covers', () => {
    const { db } = openToyReplica();
    const store = createSyncStore(db);
    expect(store.position()).toEqual({ epoch: null, cursor: 0 });
    store.setPosition('e1', 42);
    expect(createSyncStore(db).position()).toEqual({ epoch: 'e1', cursor: 42 });
    expect(store.snapshotForced()).toBe(false);
    store.setSnapshotForced(true);
    expect(store.snapshotForced()).toBe(true);
    store.setSnapshotForced(false);
    expect(store.snapshotForced()).toBe(false);
    db.close();
  });

  it('keeps refusals until dismissed; a refusal recorded again replaces the first', () => {
    const { db } = openToyReplica();
    const store = createSyncStore(db);
    const at = '2026-03-01T10:00:00.000Z';
    store.rejected.add({ mutationId: 3, collection: TOY, recordId: 'a', summary: 'Élément', reason }, at);
    store.rejected.add({ mutationId: 1, collection: null, recordId: null, summary: 'Import', reason }, at);
    store.rejected.add({ mutationId: 3, collection: TOY, recordId: 'a', summary: 'Élément', reason }, at);
    expect(store.rejected.list().map((r) => r.mutationId)).toEqual([1, 3]);
    expect(store.rejected.list()[1]).toEqual({ mutationId: 3, collection: TOY, recordId: 'a', summary: 'Élément', reason });
    store.rejected.dismiss(1);
    expect(store.rejected.list().map((r) => r.mutationId)).toEqual([3]);
    db.close();
  });

  it('clearing for a new scope forgets the old replica but never the mutation counter or the queue', () => {
    const t = openToyReplica();
    const store = createSyncStore(t.db);
    t.editLocally('a'); // mutation 1, still queued
    store.setPosition('e1', 42);
    store.setSnapshotForced(true);
    store.setLastSuccessAt('2026-03-01T10:00:00.000Z');
    store.state.set('session', { hubUrl: 'https://hub.example.test' });
    store.rejected.add({ mutationId: 1, collection: TOY, recordId: 'a', summary: 'Élément', reason }, '2026-03-01T10:00:00.000Z');
    store.clearForNewScope();
    expect(store.position()).toEqual({ epoch: null, cursor: 0 });
    expect([store.snapshotForced(), store.lastSuccessAt(), store.rejected.list()]).toEqual([false, null, []]);
    expect(store.state.get('session')).toEqual({ hubUrl: 'https://hub.example.test' });
    expect(store.state.get('last_mutation_id')).toBe(1);
    expect(t.outbox.count()).toBe(1);
    t.db.close();
  });
});
