import { describe, expect, it } from 'vitest';
import type { CollectionName, SyncRecord } from '../../shared/sync/protocol.js';
import { encodeBlocks, readBlocks } from '../../shared/sync/columns.js';
import { createPullStaging, createSnapshotStaging } from './staging.js';
import { TOY } from './test-fixtures.js';

const rec = (id: string, version: number, deleted = false): SyncRecord => ({
  collection: TOY,
  id,
  version,
  deleted,
  data: deleted ? null : { id, version },
});

describe('pull staging', () => {
  it('keeps the last staged state of each record, in hub order across pages', () => {
    const s = createPullStaging();
    s.add([rec('a', 1), rec('b', 2)]);
    s.add([rec('a', 3), rec('c', 4, true)]);
    expect(s.latest().map((r) => [r.id, r.version])).toEqual([
      ['b', 2],
      ['a', 3],
      ['c', 4],
    ]);
    expect(s.tombstones(TOY).map((r) => r.id)).toEqual(['c']);
    expect(s.latest('test.others' as CollectionName)).toEqual([]);
    expect(s.size()).toBe(4);
    s.clear();
    expect(s.latest()).toEqual([]);
    expect(s.size()).toBe(0);
  });
});

describe('snapshot staging', () => {
  it('keeps blocks in columns and gives their records on demand, each page’s blocks before its records', () => {
    const s = createSnapshotStaging();
    const block = readBlocks(encodeBlocks([rec('a', 1), rec('b', 2)]).blocks)[0]!;
    s.addPage({ blocks: [block], records: [rec('c', 3), rec('d', 4, true)] });
    s.add([rec('e', 5)]);
    expect(s.pages().map((p) => p.blocks.length)).toEqual([1, 0]);
    expect(s.latest().map((r) => [r.id, r.version])).toEqual([
      ['a', 1],
      ['b', 2],
      ['c', 3],
      ['d', 4],
      ['e', 5],
    ]);
    expect(s.latest(TOY)).toEqual(s.latest());
    expect(s.latest('test.others' as CollectionName)).toEqual([]);
    expect(s.tombstones(TOY).map((r) => r.id)).toEqual(['d']);
    expect(s.size()).toBe(5);
    s.clear();
    expect(s.latest()).toEqual([]);
    expect(s.size()).toBe(0);
  });
});
