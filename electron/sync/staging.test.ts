import { describe, expect, it } from 'vitest';
import type { CollectionName, SyncRecord } from '../../shared/sync/protocol.js';
import { createPullStaging } from './staging.js';
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
