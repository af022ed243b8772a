/**
 * How hub records land in the local acts tables. The sync engine calls these
 * inside its own transaction, synchronously. A malformed hub record is skipped
 * with a log line (id only) rather than blocking every later change.
 */
import type { Logger } from 'pino';
import { actRecordSchema, type ActStatusRecord } from '../../shared/acts/records.js';
import type { Classification } from '../../shared/acts/classification.js';
import type { SyncRecord } from '../../shared/sync/protocol.js';
import type { LocalCollection } from '../core/context.js';
import type { ActStore } from './act-store.js';

export function createActsCollections(store: ActStore, log: Logger): LocalCollection[] {
  const skip = (record: SyncRecord) =>
    log.warn({ collection: record.collection, id: record.id, version: record.version }, 'malformed hub record skipped');

  const acts: LocalCollection = {
    name: 'acts.acts',
    apply(record) {
      if (record.deleted) return store.remove(record.id);
      const parsed = actRecordSchema.safeParse(record.data);
      if (!parsed.success || parsed.data.id !== record.id) return skip(record);
      store.put(parsed.data, record.version, true);
    },
    count: () => store.count(),
    clear: () => store.clear(),
  };

  const status: LocalCollection = {
    name: 'acts.status',
    apply(record) {
      if (record.deleted) return store.removeStatus(record.id);
      const s = record.data as ActStatusRecord | null;
      if (!s || typeof s.state !== 'string' || !Array.isArray(s.timeline) || !Array.isArray(s.letters)) return skip(record);
      store.putStatus({ ...s, actId: record.id }, record.version);
    },
    count: () => store.countStatus(),
    clear: () => store.clearStatus(),
  };

  const classification: LocalCollection = {
    name: 'acts.classification',
    apply(record) {
      if (record.deleted) return store.removeClassification(record.id);
      const c = record.data as Classification | null;
      if (!c || typeof c.dateClassification !== 'string' || !Array.isArray(c.natures) || !Array.isArray(c.matieres)) return skip(record);
      store.putClassification(record.id, c, record.version);
    },
    count: () => store.countClassification(),
    clear: () => store.clearClassification(),
  };

  return [acts, status, classification];
}
