import { z } from 'zod';
import type { SyncRecord } from './protocol.js';

/**
 * The compact snapshot encoding (`format=columns`, asked by PCs since protocol 1.1; older PCs get plain
 * records). A page's live records of one collection whose `data` share one shape (the same keys in the
 * same order at every level) travel as a block: the leaf paths once, then one array per leaf. Per-record
 * JSON repeats ~25 key names and 4 envelope fields for each elector; columns send them once, and a column
 * of like values (cities, bureaux, list types) compresses far better than rows (35 000 electors, gzip:
 * 1.98 MB as records, 1.13 MB as columns). The record id is not sent again when it is `data.id`, nor at
 * all when the collection derives it from the record's fields (`derivedId` in its spec: an elector's id is
 * a hash of its identity, ~13 compressed bytes each, as much as the rest of the record).
 *
 * The encoding only moves values: decoding gives back the records the hub holds, which the PC then
 * checks with each collection's schema like any other hub record.
 */

/** A value that is a (non-empty) plain object: its keys are part of the shape; anything else is a leaf. */
function isBranch(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  for (const _ in v) return true;
  return false;
}

/** Leaf paths of `data` in key order, or null when it is not an object (nothing to share). */
function shapeOf(data: unknown): string[][] | null {
  if (!isBranch(data)) return null;
  const out: string[][] = [];
  const walk = (o: Record<string, unknown>, prefix: string[]) => {
    for (const k of Object.keys(o)) {
      const v = o[k];
      if (isBranch(v)) walk(v, [...prefix, k]);
      else out.push([...prefix, k]);
    }
  };
  walk(data, []);
  return out;
}

/** Records in a block (a page's limit bounds it), leaves per record, depth of a path. */
const MAX_BLOCK_RECORDS = 10_000;
const MAX_LEAVES = 200;
const MAX_DEPTH = 8;

/**
 * One column: an array of any values, checked as a whole. `z.array(z.unknown())` visits each value
 * (~250 000 of them per 10 000-elector page, ~20 ms on a PC for nothing); the values are checked later
 * as record fields, by each collection's schema. The metadata keeps the OpenAPI document as it was.
 */
const columnSchema = z
  .custom<unknown[]>((v) => Array.isArray(v) && v.length <= MAX_BLOCK_RECORDS)
  .meta({ type: 'array', items: {}, maxItems: MAX_BLOCK_RECORDS });

export const recordBlockSchema = z.object({
  collection: z
    .string()
    .min(1)
    .max(100)
    .regex(/^[a-z][a-z0-9_-]*\.[a-z][a-z0-9_-]*$/),
  /** Leaf paths of every record's `data`, in the order its keys come. */
  paths: z
    .array(z.array(z.string().max(100)).min(1).max(MAX_DEPTH))
    .min(1)
    .max(MAX_LEAVES),
  /**
   * Record ids; null where the id is `data.id`, sent in its column, or null there too when the
   * collection's `derivedId` gives it back from the other fields.
   */
  ids: z.array(z.string().max(100).nullable()).max(MAX_BLOCK_RECORDS),
  /** Each record's version minus the previous one's (the first minus 0): after an import most are 0 or 1. */
  versions: z.array(z.number().int()).max(MAX_BLOCK_RECORDS),
  /** `columns[k][i]`: the value at `paths[k]` of the i-th record. */
  columns: z.array(columnSchema).max(MAX_LEAVES),
});
export type RecordBlock = z.infer<typeof recordBlockSchema>;

/**
 * Splits records into blocks (live records sharing their collection's first shape, in page order) and the
 * rest (tombstones, other shapes), sent as plain records. Order between the two does not matter in a
 * snapshot: each record appears once.
 */
export function encodeBlocks(
  records: readonly SyncRecord[],
  derive: DeriveId = () => undefined,
): { blocks: RecordBlock[]; rest: SyncRecord[] } {
  const blocks = new Map<
    string,
    {
      block: RecordBlock;
      tree: ShapeTree;
      values: unknown[];
      last: number;
      idColumn: number;
      derive: ((data: unknown) => string) | undefined;
    }
  >();
  const rest: SyncRecord[] = [];
  for (const r of records) {
    if (r.deleted) {
      rest.push(r);
      continue;
    }
    let entry = blocks.get(r.collection);
    if (!entry) {
      const paths = shapeOf(r.data);
      if (paths === null || paths.length > MAX_LEAVES || paths.some((p) => p.length > MAX_DEPTH)) {
        rest.push(r);
        continue;
      }
      const idColumn = paths.findIndex((p) => p.length === 1 && p[0] === 'id');
      entry = {
        block: { collection: r.collection, paths, ids: [], versions: [], columns: paths.map(() => []) },
        tree: treeOf(paths),
        values: new Array<unknown>(paths.length),
        last: 0,
        idColumn,
        derive: idColumn >= 0 ? derive(r.collection) : undefined,
      };
      blocks.set(r.collection, entry);
    }
    const { block } = entry;
    // One scratch array per block: a record that matches the shape fills every slot, one that does not goes plain.
    const { values } = entry;
    if (!isBranch(r.data) || !leavesIn(r.data, entry.tree, values)) {
      rest.push(r);
      continue;
    }
    const inData = (r.data as { id?: unknown }).id === r.id;
    if (inData && entry.derive && derivedOrNull(entry.derive, r.data) === r.id) values[entry.idColumn] = null;
    for (let k = 0; k < values.length; k++) block.columns[k]!.push(values[k]);
    block.ids.push(inData ? null : r.id);
    block.versions.push(r.version - entry.last);
    entry.last = r.version;
  }
  return { blocks: [...blocks.values()].map((e) => e.block), rest };
}

/**
 * A shape as a tree: each branch's keys in order, each key leading to a leaf (its index in `paths`) or a
 * deeper branch. Built once per block, it lets a 10 000-record page be checked against the shape and
 * rebuilt without walking path arrays for every record.
 */
interface ShapeTree {
  keys: string[];
  kids: (number | ShapeTree)[];
}

/** `paths` must describe one tree (encodeBlocks' own shapeOf, or checked by checkPaths). */
function treeOf(paths: readonly string[][]): ShapeTree {
  const root: ShapeTree = { keys: [], kids: [] };
  paths.forEach((path, k) => {
    let node = root;
    for (let d = 0; d < path.length - 1; d++) {
      const at = node.keys.indexOf(path[d]!);
      if (at >= 0) node = node.kids[at] as ShapeTree;
      else {
        const branch: ShapeTree = { keys: [], kids: [] };
        node.keys.push(path[d]!);
        node.kids.push(branch);
        node = branch;
      }
    }
    node.keys.push(path[path.length - 1]!);
    node.kids.push(k);
  });
  return root;
}

/** Fills `values` with the leaves of `o` along `tree`; false when `o` has another shape (other keys, order or nesting). */
function leavesIn(o: Record<string, unknown>, tree: ShapeTree, values: unknown[]): boolean {
  // for…in, not Object.keys: no array per object (4 per elector). Same keys in the same order for the plain
  // objects JSON.parse gives; an inherited enumerable key would only make the record go as a plain one.
  let j = 0;
  const { keys, kids } = tree;
  for (const k in o) {
    if (j >= keys.length || k !== keys[j]) return false;
    const v = o[k];
    const kid = kids[j]!;
    if (typeof kid === 'number') {
      if (typeof v === 'object' && isBranch(v)) return false;
      values[kid] = v;
    } else if (typeof v !== 'object' || !isBranch(v) || !leavesIn(v, kid, values)) return false;
    j++;
  }
  return j === keys.length;
}

/** The `data` of record `i` of a block: keys in the order of its paths. */
function build(tree: ShapeTree, columns: readonly unknown[][], i: number): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  for (let j = 0; j < tree.keys.length; j++) {
    const kid = tree.kids[j]!;
    o[tree.keys[j]!] = typeof kid === 'number' ? columns[kid]![i] : build(kid, columns, i);
  }
  return o;
}

/** A collection's `derivedId` with the host's SHA-256, or undefined when it has none (or is unknown here). */
export type DeriveId = (collection: string) => ((data: unknown) => string) | undefined;

/** The `derivedId` of the registry's collections, with the host's SHA-256 (hub and PC build it the same way). */
export function derivedIds(
  registry: { collection(name: string): { derivedId?(data: never, sha256hex: (text: string) => string): string } | undefined },
  sha256hex: (text: string) => string,
): DeriveId {
  return (collection) => {
    const spec = registry.collection(collection);
    const fn = spec?.derivedId as ((data: unknown, h: (text: string) => string) => string) | undefined;
    return fn ? (data) => fn(data, sha256hex) : undefined;
  };
}

function derivedOrNull(derive: (data: unknown) => string, data: unknown): string | null {
  try {
    const id = derive(data);
    return typeof id === 'string' ? id : null;
  } catch {
    return null;
  }
}

/** Thrown by decodeBlocks: the answer does not hold together (a hub bug or a broken proxy), the page is refused whole. */
export class MalformedBlockError extends Error {}

/**
 * Paths must describe one tree: no path twice, none inside another's leaf, and no `__proto__` (an
 * assignment to it would not make a key).
 */
function checkPaths(b: RecordBlock): void {
  const leaves = new Set<string>();
  const branches = new Set<string>();
  for (const p of b.paths) {
    if (p.includes('__proto__')) throw new MalformedBlockError(`block of ${b.collection}: forbidden key`);
    for (let d = 1; d < p.length; d++) branches.add(JSON.stringify(p.slice(0, d)));
    const leaf = JSON.stringify(p);
    if (leaves.has(leaf)) throw new MalformedBlockError(`block of ${b.collection}: path twice`);
    leaves.add(leaf);
  }
  for (const leaf of leaves) if (branches.has(leaf)) throw new MalformedBlockError(`block of ${b.collection}: leaf inside a leaf`);
}

/**
 * A block as the PC lays it down, still in columns: its shape checked, each row's id resolved (an id left
 * out because the collection derives it is derived here and written into the `id` column) and its version
 * made absolute. Rows are the block's records in order; `recordsOfBlock` builds them when one is needed.
 */
export interface ColumnBlock {
  collection: string;
  paths: readonly string[][];
  ids: readonly string[];
  versions: readonly number[];
  /** `columns[k][i]`: the value at `paths[k]` of row i. */
  columns: readonly unknown[][];
}

/**
 * `blocks` checked and resolved, in block order, without building a record per row: what `decodeBlocks`
 * gives, in columns. A row whose id must be derived in a collection this PC cannot derive (one it does not
 * hold) is left out, as the replica would skip it. Throws MalformedBlockError when a block does not hold together.
 */
export function readBlocks(blocks: readonly RecordBlock[], derive: DeriveId = () => undefined): ColumnBlock[] {
  return blocks.map((b) => readBlock(b, derive));
}

function readBlock(b: RecordBlock, derive: DeriveId): ColumnBlock {
  const n = b.ids.length;
  if (b.versions.length !== n || b.columns.length !== b.paths.length || b.columns.some((c) => c.length !== n))
    throw new MalformedBlockError(`block of ${b.collection}: column lengths differ`);
  checkPaths(b);
  const idColumn = b.paths.findIndex((p) => p.length === 1 && p[0] === 'id');
  const deriveHere = idColumn >= 0 ? derive(b.collection) : undefined;
  const tree = treeOf(b.paths);
  // Derivation reads one row at a time, through one object whose leaves read the current row
  // (`derivedId` is pure and keeps nothing): no object per row, and only the leaves it reads are read.
  const row = { i: 0 };
  const view = deriveHere ? viewOf(tree, b.columns, row) : null;
  const dataIds = idColumn >= 0 ? b.columns[idColumn]! : null;
  const resolved = dataIds ? dataIds.slice() : null;
  const ids = new Array<string>(n);
  const versions = new Array<number>(n);
  let kept: number[] | null = null;
  let version = 0;
  for (let i = 0; i < n; i++) {
    version += b.versions[i]!;
    let id = b.ids[i] ?? (dataIds ? dataIds[i] : undefined);
    if (id === null && b.ids[i] === null) {
      if (!deriveHere) {
        kept ??= Array.from({ length: i }, (_, k) => k);
        continue;
      }
      row.i = i;
      id = derivedOrNull(deriveHere, view);
      resolved![i] = id;
    }
    if (typeof id !== 'string' || id.length === 0 || id.length > 100 || !Number.isSafeInteger(version) || version < 0)
      throw new MalformedBlockError(`block of ${b.collection}: record ${i} has no valid id or version`);
    ids[i] = id;
    versions[i] = version;
    kept?.push(i);
  }
  const columns = resolved ? b.columns.map((c, k) => (k === idColumn ? resolved : c)) : b.columns;
  const block: ColumnBlock = { collection: b.collection, paths: b.paths, ids, versions, columns };
  return kept ? keepRows(block, kept) : block;
}

/** The block with only rows `kept` (rare: rows this PC cannot give an id). */
function keepRows(b: ColumnBlock, kept: readonly number[]): ColumnBlock {
  const pick = <T>(a: readonly T[]) => kept.map((i) => a[i]!);
  return { collection: b.collection, paths: b.paths, ids: pick(b.ids), versions: pick(b.versions), columns: b.columns.map(pick) };
}

/** An object of the tree's shape whose leaves are getters of `columns` at row `row.i`. */
function viewOf(tree: ShapeTree, columns: readonly unknown[][], row: { i: number }): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  for (let j = 0; j < tree.keys.length; j++) {
    const kid = tree.kids[j]!;
    if (typeof kid === 'number') {
      const column = columns[kid]!;
      Object.defineProperty(o, tree.keys[j]!, { enumerable: true, get: () => column[row.i] });
    } else o[tree.keys[j]!] = viewOf(kid, columns, row);
  }
  return o;
}

/** The records of a read block, in row order; each `data` rebuilt with its keys in the order of `paths`. */
export function recordsOfBlock(b: ColumnBlock): SyncRecord[] {
  const tree = treeOf(b.paths);
  const out = new Array<SyncRecord>(b.ids.length);
  for (let i = 0; i < b.ids.length; i++) out[i] = rowRecord(b, i, tree);
  return out;
}

/** Record i of a read block. */
export function recordOfRow(b: ColumnBlock, i: number): SyncRecord {
  return rowRecord(b, i, treeOf(b.paths));
}

function rowRecord(b: ColumnBlock, i: number, tree: ShapeTree): SyncRecord {
  return { collection: b.collection, id: b.ids[i]!, version: b.versions[i]!, deleted: false, data: build(tree, b.columns, i) };
}

/**
 * The records of `blocks`, in block order. Each `data` is rebuilt with its keys in the order of `paths`.
 * A record whose id must be derived in a collection this PC cannot derive (one it does not hold) is left
 * out, as the replica would skip it.
 */
export function decodeBlocks(blocks: readonly RecordBlock[], derive: DeriveId = () => undefined): SyncRecord[] {
  return readBlocks(blocks, derive).flatMap(recordsOfBlock);
}
