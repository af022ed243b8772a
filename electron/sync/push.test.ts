import { describe, expect, it } from 'vitest';
import type { CollectionName } from '../../shared/sync/protocol.js';
import type { QueuedChange } from './outbox.js';
import { alreadyThere, nextBatch } from './push.js';
import { TOY } from './test-fixtures.js';

const OTHER = 'test.others' as CollectionName;
let seq = 0;
const change = (entry: QueuedChange['entry']): QueuedChange => ({
  mutationId: ++seq,
  entry,
  summary: entry.summary,
  createdAt: '2026-03-01T10:00:00.000Z',
  state: 'pending',
});
const upsert = (recordId: string, data: unknown = { recordId }, collection = TOY) =>
  change({ kind: 'upsert', collection, recordId, baseVersion: 1, data, summary: 'Élément' });
const command = () => change({ kind: 'command', name: 'test.rebuild', payload: {}, summary: 'Commande' });

describe('push batches', () => {
  it('stop before a second change to the same record (it is rebased on the answer to the first)', () => {
    const queue = [upsert('a'), command(), upsert('a', {}, OTHER), upsert('b'), upsert('a'), upsert('c')];
    expect(nextBatch({ list: (n) => queue.slice(0, n) }, 100).map((c) => c.mutationId)).toEqual(queue.slice(0, 4).map((c) => c.mutationId));
    expect(nextBatch({ list: (n) => queue.slice(0, n) }, 2)).toHaveLength(2);
    const commands = [command(), command(), command()];
    expect(nextBatch({ list: (n) => commands.slice(0, n) }, 100)).toHaveLength(3);
  });
});

describe('a refusal that is our own change, landed under another key', () => {
  const refused = (data: unknown, code = 'stale_version') => ({
    mutationId: 1,
    status: 'rejected' as const,
    reason: { code, message: 'Modifié entre-temps.' },
    current: { collection: TOY, id: 'a', version: 7, deleted: false, data },
  });

  it('is recognised whatever the key order, so it is not shown as a conflict', () => {
    expect(alreadyThere(upsert('a', { x: 1, y: { p: 1, q: [1, 2] } }), refused({ y: { q: [1, 2], p: 1 }, x: 1 }))).toBe(true);
  });

  it('is not assumed when the hub holds something else, refused for another reason, or deleted', () => {
    expect(alreadyThere(upsert('a', { x: 1 }), refused({ x: 2 }))).toBe(false);
    expect(alreadyThere(upsert('a', { x: 1 }), refused({ x: 1 }, 'forbidden'))).toBe(false);
    const deleted = { ...refused(null), current: { collection: TOY, id: 'a', version: 7, deleted: true, data: null } };
    expect(alreadyThere(upsert('a', { x: 1 }), deleted)).toBe(false);
  });
});
