import { describe, expect, it } from 'vitest';
import { decodeBlocks, encodeBlocks, MalformedBlockError, type RecordBlock, readBlocks, recordOfRow, recordsOfBlock } from './columns.js';
import type { SyncRecord } from './protocol.js';

const rec = (id: string, version: number, data: unknown, collection = 'test.items'): SyncRecord => ({
  collection,
  id,
  version,
  deleted: data === null,
  data,
});

describe('compact snapshot encoding', () => {
  it('gives back the same records: nested objects, nulls, arrays, other shapes and tombstones beside the blocks', () => {
    const records = [
      rec('a', 5, { id: 'a', n: 1, place: { city: 'TROYES', zip: null }, tags: ['x'] }),
      rec('b', 3, { id: 'b', n: 2, place: { city: 'REIMS', zip: '51100' }, tags: [] }),
      rec('c', 9, { id: 'other', n: 3, place: { city: null, zip: null }, tags: null }),
      rec('d', 10, { id: 'd', n: 4, place: null, tags: [] }),
      rec('e', 11, null),
      rec('f', 2, { text: 'note', empty: {} }, 'test.notes'),
    ];
    const { blocks, rest } = encodeBlocks(records);
    expect(rest.map((r) => r.id)).toEqual(['d', 'e']);
    expect(blocks.map((b) => b.collection)).toEqual(['test.items', 'test.notes']);
    // Keys are sent once per block, not per record; ids equal to data.id are not sent twice.
    expect(blocks[0]!.paths).toEqual([['id'], ['n'], ['place', 'city'], ['place', 'zip'], ['tags']]);
    expect(blocks[0]!.ids).toEqual([null, null, 'c']);
    const back = [...decodeBlocks(blocks), ...rest].sort((x, y) => x.id.localeCompare(y.id));
    expect(back).toEqual(records);
    expect(JSON.stringify(back[0]!.data)).toBe(JSON.stringify(records[0]!.data));
  });

  it('sends a record of another shape as a plain record: keys in another order, a branch where a leaf was, a key more or less', () => {
    const records = [
      rec('a', 1, { id: 'a', place: { city: 'TROYES', zip: '10000' }, n: 1 }),
      rec('b', 2, { id: 'b', n: 2, place: { city: 'REIMS', zip: '51100' } }),
      rec('c', 3, { id: 'c', place: { zip: '10000', city: 'TROYES' }, n: 3 }),
      rec('d', 4, { id: 'd', place: { city: { name: 'TROYES' }, zip: '10000' }, n: 4 }),
      rec('e', 5, { id: 'e', place: 'TROYES', n: 5 }),
      rec('f', 6, { id: 'f', spot: { city: 'TROYES', zip: '10000' }, n: 6 }),
      rec('g', 7, { id: 'g', place: { city: 'TROYES', zip: '10000' }, n: 7, more: true }),
      rec('h', 8, { id: 'h', place: { city: 'TROYES' }, n: 8 }),
      rec('i', 9, { id: 'i', place: { city: 'AIX', zip: '13100' }, n: 9 }),
    ];
    const { blocks, rest } = encodeBlocks(records);
    expect(blocks[0]!.ids).toEqual([null, null]);
    expect(blocks[0]!.columns[0]).toEqual(['a', 'i']);
    expect(rest.map((r) => r.id)).toEqual(['b', 'c', 'd', 'e', 'f', 'g', 'h']);
    const back = [...decodeBlocks(blocks), ...rest].sort((x, y) => x.id.localeCompare(y.id));
    expect(JSON.stringify(back)).toBe(JSON.stringify(records));
  });

  it('leaves out ids the collection derives, and a PC without that derivation skips those records', () => {
    const derive = (c: string) => (c === 'test.items' ? (d: unknown) => `k-${(d as { n: number }).n}` : undefined);
    const records = [rec('k-1', 1, { id: 'k-1', n: 1 }), rec('k-2-2', 2, { id: 'k-2-2', n: 2 })];
    const { blocks } = encodeBlocks(records, derive);
    expect(blocks[0]!.columns[0]).toEqual([null, 'k-2-2']);
    expect(decodeBlocks(blocks, derive)).toEqual(records);
    expect(decodeBlocks(blocks).map((r) => r.id)).toEqual(['k-2-2']);
  });

  it('refuses a block that does not hold together, whole', () => {
    const { blocks } = encodeBlocks([rec('a', 1, { id: 'a', n: 1 }), rec('b', 2, { id: 'b', n: 2 })]);
    const good = blocks[0]!;
    const bad: RecordBlock[] = [
      { ...good, versions: [1] },
      { ...good, columns: [good.columns[0]!, [1]] },
      { ...good, paths: [['id'], ['id']] },
      { ...good, paths: [['id'], ['__proto__']] },
      { ...good, paths: [['id'], ['id', 'x']] },
      {
        ...good,
        ids: [null, 'b'],
        columns: [
          [7, 'b'],
          [1, 2],
        ],
      },
    ];
    for (const b of bad) expect(() => decodeBlocks([b])).toThrow(MalformedBlockError);
  });
});

describe('reading blocks in columns (what the PC lays down)', () => {
  it('holds the records decodeBlocks gives, ids derived into the id column, rows it cannot give an id left out', () => {
    const derive = (c: string) => (c === 'test.items' ? (d: unknown) => `k-${(d as { n: number }).n}` : undefined);
    const records = [
      rec('k-1', 4, { id: 'k-1', n: 1, place: { city: 'AIX' } }),
      rec('k-2-2', 6, { id: 'k-2-2', n: 2, place: { city: null } }),
      rec('other', 9, { id: 'k-3', n: 3, place: { city: 'REIMS' } }),
    ];
    const wire = JSON.parse(JSON.stringify(encodeBlocks(records, derive).blocks)) as RecordBlock[];
    const [block] = readBlocks(wire, derive);
    expect(block!.ids).toEqual(['k-1', 'k-2-2', 'other']);
    expect(block!.versions).toEqual([4, 6, 9]);
    expect(block!.columns[0]).toEqual(['k-1', 'k-2-2', 'k-3']);
    expect(recordsOfBlock(block!)).toEqual(decodeBlocks(wire, derive));
    expect(recordsOfBlock(block!)).toEqual(records);
    expect(recordOfRow(block!, 2)).toEqual(records[2]);
    // Without the derivation, the first row (id left out) is not held; the others keep their versions.
    const [partial] = readBlocks(wire);
    expect(partial!.ids).toEqual(['k-2-2', 'other']);
    expect(recordsOfBlock(partial!)).toEqual(decodeBlocks(wire));
  });
});
