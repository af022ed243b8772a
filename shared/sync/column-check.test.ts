import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { electorSchema } from '../electoral/schemas.js';
import { columnCheckOf } from './column-check.js';
import { encodeBlocks, readBlocks, recordsOfBlock } from './columns.js';

const item = z.object({
  id: z.string().min(1).max(10),
  kind: z.enum(['A', 'B']),
  n: z.number().int().nonnegative().nullable(),
  place: z.object({ city: z.string().max(5).nullable(), zip: z.string().regex(/^\d{5}$/) }),
});

/** Columns of `rows` (plain objects of one shape) as the hub sends them, read as the PC reads them. */
function blockOf(rows: unknown[]) {
  const { blocks, rest } = encodeBlocks(
    rows.map((data, i) => ({ collection: 'test.items', id: `r${i}`, version: 1, deleted: false, data })),
  );
  expect(rest).toEqual([]);
  return readBlocks(JSON.parse(JSON.stringify(blocks)))[0]!;
}

describe('checking a block column by column with the record schema', () => {
  it('flags exactly the rows a parse of each record refuses', () => {
    const good = { id: 'a', kind: 'A', n: 1, place: { city: 'AIX', zip: '13100' } };
    const rows = [
      good,
      { ...good, id: '' },
      { ...good, kind: 'C' },
      { ...good, n: -1 },
      { ...good, n: 1.5 },
      { ...good, n: null },
      { ...good, place: { city: 'TROYES', zip: '10000' } },
      { ...good, place: { city: null, zip: '1000' } },
      { ...good, place: { city: 'AIX', zip: 13100 } },
      good,
      { ...good, kind: 'C' },
    ];
    const block = blockOf(rows);
    const check = columnCheckOf(item, block.paths)!;
    expect(check).not.toBeNull();
    const flagged = [...check(block.columns, block.ids.length)];
    expect(flagged).toEqual(recordsOfBlock(block).map((r) => (item.safeParse(r.data).success ? 0 : 1)));
    expect(flagged).toEqual([0, 1, 1, 1, 1, 0, 1, 1, 1, 0, 1]);
  });

  it('takes the leaves of the electors’ schema', () => {
    const paths = [
      ...Object.entries(electorSchema.shape).flatMap(([k, s]) =>
        s instanceof z.ZodObject ? Object.keys(s.shape).map((kid) => [k, kid]) : [[k]],
      ),
    ].reverse();
    expect(columnCheckOf(electorSchema, paths)).not.toBeNull();
  });

  it('answers null (parse record by record) where columns cannot say the same as the schema', () => {
    const paths = [['id'], ['kind'], ['n'], ['place', 'city'], ['place', 'zip']];
    expect(columnCheckOf(item, paths)).not.toBeNull();
    // A rule over several leaves, a value the parse changes, a default.
    expect(
      columnCheckOf(
        item.refine((x) => x.n !== 0),
        paths,
      ),
    ).toBeNull();
    expect(columnCheckOf(item.extend({ place: item.shape.place.refine((p) => p.city !== null) }), paths)).toBeNull();
    expect(columnCheckOf(item.extend({ kind: z.string().trim() }), paths)).toBeNull();
    expect(columnCheckOf(item.extend({ kind: z.string().transform((s) => s.length) }), paths)).toBeNull();
    expect(columnCheckOf(item.extend({ n: z.number().default(0) }), paths)).toBeNull();
    expect(columnCheckOf(item.extend({ n: z.array(z.number()) }), paths)).toBeNull();
    // Paths that are not the schema's leaves: one missing, one more, a branch where a leaf is.
    expect(columnCheckOf(item, paths.slice(1))).toBeNull();
    expect(columnCheckOf(item, [...paths, ['more']])).toBeNull();
    expect(columnCheckOf(item, [['id'], ['kind'], ['n'], ['place']])).toBeNull();
    expect(columnCheckOf(item, [['id'], ['kind'], ['n', 'x'], ['place', 'city'], ['place', 'zip']])).toBeNull();
  });
});
