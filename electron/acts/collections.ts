/**
 * How hub records land in the local acts tables. The sync engine calls these
 * inside its own transaction, synchronously; each record is checked with its
 * shared schema (electron/core/json-collection.ts).
 */
import type Database from 'better-sqlite3';
import type { Logger } from 'pino';
import { classificationSchema } from '../../shared/acts/classification.js';
import { actRecordSchema, actStatusRecordSchema } from '../../shared/acts/records.js';
import type { LocalCollection } from '../core/context.js';
import { jsonCollection } from '../core/json-collection.js';
import type { ActStore } from './act-store.js';

export function createActsCollections(db: Database.Database, store: ActStore, log: Logger): LocalCollection[] {
  return [
    jsonCollection(db, log, {
      name: 'acts.acts',
      schema: actRecordSchema,
      table: 'acts',
      idOf: (a) => a.id,
      // The hub accepted it: it wins its NumeroInterne over a local draft (see act-store.ts).
      write: (act, _id, version) => store.put(act, version, true),
    }),
    jsonCollection(db, log, {
      name: 'acts.status',
      schema: actStatusRecordSchema,
      table: 'acts_status',
      key: 'act_id',
      idOf: (s) => s.actId,
      write: (status, _id, version) => store.putStatus(status, version),
    }),
    jsonCollection(db, log, {
      name: 'acts.classification',
      schema: classificationSchema,
      table: 'acts_classification',
      write: (classification, id, version) => store.putClassification(id, classification, version),
    }),
  ];
}
