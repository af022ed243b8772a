/**
 * How hub records land in the local electoral tables. The sync engine calls
 * these inside its own transaction, synchronously; every write keeps the
 * record's hub version, tombstones delete. Every record is checked with its
 * shared schema first (a malformed one is skipped with a log line).
 */
import type Database from 'better-sqlite3';
import type { Logger } from 'pino';
import { electorSchema, importRecordSchema } from '../../shared/electoral/schemas.js';
import { demandSchema, type Elector } from '../../shared/electoral/types.js';
import type { LocalCollection } from '../core/context.js';
import { jsonCollection, skipMalformed } from '../core/json-collection.js';
import { columnCheckOf } from '../../shared/sync/column-check.js';
import { type ColumnBlock, recordOfRow, recordsOfBlock } from '../../shared/sync/columns.js';
import { timeStep } from '../../shared/sync/step-timer.js';
import { ELECTOR_LEAVES, type ElectorColumns, type ElectorStore, prepareColumns, prepareList } from './elector-store.js';
import type { DemandStore, ImportStore } from './record-stores.js';

export function createElectoralCollections(
  db: Database.Database,
  stores: { electors: ElectorStore; demands: DemandStore; imports: ImportStore },
  log: Logger,
): LocalCollection[] {
  const { electors, demands, imports } = stores;

  // Columnar with its FTS index: its own store, the same shared schema check.
  const electorsCollection: LocalCollection = {
    name: 'electoral.electors',
    apply(record) {
      if (record.deleted) return electors.remove(record.id);
      const parsed = electorSchema.safeParse(record.data);
      if (!parsed.success || parsed.data.id !== record.id) return skipMalformed(log, record);
      electors.upsert(parsed.data, record.version);
    },
    count: () => electors.count(null),
    clear: () => electors.clear(),
    // A snapshot (a new PC's first sync): every record checked the same way, then one bulk load in display
    // order with the FTS rows, indexes built once at the end (35 000 electors: ~0.5 s instead of ~7 s one by one).
    load(records) {
      const list: Elector[] = [];
      const versions = new Map<string, number>();
      timeStep('pc.electors.check', () => {
        for (const record of records) {
          const parsed = electorSchema.safeParse(record.data);
          if (!parsed.success || parsed.data.id !== record.id || versions.has(record.id)) {
            skipMalformed(log, record);
            continue;
          }
          list.push(parsed.data);
          versions.set(record.id, record.version);
        }
      });
      // zod's output is already canonical (every key, schema order, no undefined): no second copy.
      const prepared = timeStep('pc.electors.prepare', () => prepareList(list, true));
      electors.replaceAll(prepared, (id) => versions.get(id) ?? null);
    },
    // The same from the snapshot's columns: the schema checked leaf by leaf, rows bound from the columns
    // (35 000 electors: no object built per elector, neither by the decoding nor by zod).
    loadColumns(blocks) {
      const list = timeStep('pc.electors.check', () => checkedColumns(blocks, log));
      if (list === null) return electorsCollection.load!(blocks.flatMap(recordsOfBlock));
      const prepared = timeStep('pc.electors.prepare', () => prepareColumns(list));
      electors.replaceAllColumns(prepared);
    },
  };

  return [
    electorsCollection,
    jsonCollection(db, log, {
      name: 'electoral.demands',
      schema: demandSchema,
      table: 'electoral_demands',
      idOf: (d) => d.id,
      write: (d, _id, version) => demands.put(d, version),
    }),
    jsonCollection(db, log, {
      name: 'electoral.imports',
      schema: importRecordSchema,
      table: 'electoral_imports',
      idOf: (r) => r.id,
      write: (r, _id, version) => imports.put(r, version),
    }),
  ];
}

/**
 * The electors of a snapshot's blocks, in columns (ELECTOR_LEAVES order), each checked as `load` checks a
 * record: the shared schema, leaf by leaf (shared/sync/column-check.ts); a row that fails a leaf, or whose
 * id is not its data's, is parsed as a record, so it is refused (skipped and logged) exactly as before; a
 * second copy of an id is skipped, the first kept. Null when a block is not of the schema's shape: the
 * caller then takes the records one by one.
 */
function checkedColumns(blocks: readonly ColumnBlock[], log: Logger): ElectorColumns | null {
  const parts = ELECTOR_LEAVES.map(() => [] as (readonly unknown[])[]);
  const versions: (readonly number[])[] = [];
  const seen = new Set<string>();
  for (const b of blocks) {
    const check = columnCheckOf(electorSchema, b.paths);
    const at = ELECTOR_LEAVES.map((leaf) => b.paths.findIndex((p) => p.length === leaf.length && p.every((k, d) => k === leaf[d])));
    if (check === null || at.includes(-1)) return null;
    const n = b.ids.length;
    const bad = check(b.columns, n);
    const dataIds = b.columns[at[0]!]!;
    const keep: number[] = [];
    for (let i = 0; i < n; i++) {
      const id = b.ids[i]!;
      if (bad[i] || dataIds[i] !== id) {
        const record = recordOfRow(b, i);
        const parsed = electorSchema.safeParse(record.data);
        if (!parsed.success || parsed.data.id !== record.id) {
          skipMalformed(log, record);
          continue;
        }
      }
      if (seen.has(id)) {
        skipMalformed(log, recordOfRow(b, i));
        continue;
      }
      seen.add(id);
      keep.push(i);
    }
    const whole = keep.length === n;
    const pick = <T>(a: readonly T[]): readonly T[] => (whole ? a : keep.map((i) => a[i]!));
    at.forEach((k, leaf) => {
      parts[leaf]!.push(pick(b.columns[k]!));
    });
    versions.push(pick(b.versions));
  }
  const join = <T>(arrays: (readonly T[])[]): T[] => ([] as T[]).concat(...arrays);
  return { columns: parts.map(join), versions: join(versions) };
}
