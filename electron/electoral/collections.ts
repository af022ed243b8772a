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
import { timeStep } from '../../shared/sync/step-timer.js';
import { type ElectorStore, prepareList } from './elector-store.js';
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
