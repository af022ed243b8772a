/**
 * How hub records land in the local electoral tables. The sync engine calls
 * these inside its own transaction, synchronously; every write keeps the
 * record's hub version, tombstones delete.
 */
import type { Logger } from 'pino';
import { demandSchema, type Elector, type ImportRecord } from '../../shared/electoral/types.js';
import type { SyncRecord } from '../../shared/sync/protocol.js';
import type { LocalCollection } from '../core/context.js';
import type { ElectorStore } from './elector-store.js';
import type { DemandStore, ImportStore } from './record-stores.js';

function isElector(x: unknown): x is Elector {
  const e = x as Elector;
  return (
    typeof e === 'object' &&
    e !== null &&
    typeof e.birthName === 'string' &&
    typeof e.birthDate === 'string' &&
    (e.listType === 'LP' || e.listType === 'LCM' || e.listType === 'LCE') &&
    typeof e.bureau === 'object' &&
    typeof e.address === 'object'
  );
}

export function createElectoralCollections(
  stores: { electors: ElectorStore; demands: DemandStore; imports: ImportStore },
  log: Logger,
): LocalCollection[] {
  const { electors, demands, imports } = stores;
  // A malformed hub record is skipped with a log line (id only) rather than blocking every later change.
  const skip = (record: SyncRecord) =>
    log.warn({ collection: record.collection, id: record.id, version: record.version }, 'malformed hub record skipped');

  const electorsCollection: LocalCollection = {
    name: 'electoral.electors',
    apply(record) {
      if (record.deleted) return electors.remove(record.id);
      if (!isElector(record.data)) return skip(record);
      electors.upsert({ ...record.data, id: record.id }, record.version);
    },
    count: () => electors.count(null),
    clear: () => electors.clear(),
  };

  const demandsCollection: LocalCollection = {
    name: 'electoral.demands',
    apply(record) {
      if (record.deleted) return demands.remove(record.id);
      const parsed = demandSchema.safeParse(record.data);
      if (!parsed.success || parsed.data.id !== record.id) return skip(record);
      demands.put(parsed.data, record.version);
    },
    count: () => demands.count(),
    clear: () => demands.clear(),
  };

  const importsCollection: LocalCollection = {
    name: 'electoral.imports',
    apply(record) {
      if (record.deleted) return imports.remove(record.id);
      const r = record.data as ImportRecord | null;
      if (!r || typeof r.fileSha256 !== 'string' || typeof r.importedAtLocal !== 'string') return skip(record);
      imports.put({ ...r, id: record.id }, record.version);
    },
    count: () => imports.count(),
    clear: () => imports.clear(),
  };

  return [electorsCollection, demandsCollection, importsCollection];
}
