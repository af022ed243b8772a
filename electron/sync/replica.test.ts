import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { encodeBlocks, readBlocks } from '../../shared/sync/columns.js';
import type { CollectionName, SyncRecord } from '../../shared/sync/protocol.js';
import type { LocalCollection } from '../core/context.js';
import type { SyncOutbox } from './outbox.js';
import { createLocalReplica } from './replica.js';

const rec = (collection: string, id: string, deleted = false): SyncRecord => ({
  collection: collection as CollectionName,
  id,
  version: 1,
  deleted,
  data: deleted ? null : { id, n: id.length },
});
const blockOf = (...records: SyncRecord[]) => readBlocks(encodeBlocks(records).blocks)[0]!;

describe('laying a snapshot down', () => {
  it('gives a collection its blocks in columns when every live record of it came in a block, else records', () => {
    const calls: string[] = [];
    const collection = (name: string): LocalCollection => ({
      name: name as CollectionName,
      apply: (r) => void calls.push(`apply ${name} ${r.id}`),
      count: () => 0,
      clear: () => {},
      load: (records) => void calls.push(`load ${name} ${records.map((r) => r.id).join(',')}`),
      loadColumns: (blocks) => void calls.push(`columns ${name} ${blocks.flatMap((b) => b.ids).join(',')}`),
    });
    const replica = createLocalReplica([collection('test.a'), collection('test.b')], {} as SyncOutbox, pino({ level: 'silent' }));
    replica.load([
      { blocks: [blockOf(rec('test.a', 'a1'), rec('test.a', 'a2')), blockOf(rec('test.b', 'b1'))], records: [rec('test.b', 'b2')] },
      { blocks: [blockOf(rec('test.a', 'a3'))], records: [rec('test.a', 'a0', true)] },
    ]);
    expect(calls).toEqual(['apply test.a a0', 'load test.b b1,b2', 'columns test.a a1,a2,a3']);
  });
});
