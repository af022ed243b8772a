/**
 * Local rows of the synced registers (electoral migration 3): one JSON record
 * per row with its hub version and the key screens filter on. Small tables
 * (a commune keeps tens to a few thousand lines), read whole per key.
 */
import type Database from 'better-sqlite3';
import type { z } from 'zod';
import type { Logger } from 'pino';
import type { CollectionName } from '../../../shared/sync/protocol.js';
import type { LocalCollection } from '../../core/context.js';
import { jsonCollection } from '../../core/json-collection.js';

export interface RegisterStore<T extends { id: string }> {
  put(record: T, version: number | null): void;
  /** Drops a local row (a deleted line; the tombstone goes through the outbox). */
  remove(id: string): void;
  get(id: string): { record: T; version: number | null } | null;
  list(key?: string | null): { record: T; version: number | null }[];
  collection(log: Logger): LocalCollection;
}

export function createRegisterStore<T extends { id: string }>(
  db: Database.Database,
  spec: { name: CollectionName; table: string; schema: z.ZodType<T>; keyOf: (r: T) => string },
): RegisterStore<T> {
  const { table } = spec;
  const upsert = db.prepare(
    `INSERT INTO ${table} (id, version, key, data) VALUES (?, ?, ?, ?)
     ON CONFLICT (id) DO UPDATE SET version = excluded.version, key = excluded.key, data = excluded.data`,
  );
  type Row = { data: string; version: number | null };
  const one = db.prepare<[string], Row>(`SELECT data, version FROM ${table} WHERE id = ?`);
  const all = db.prepare<[], Row>(`SELECT data, version FROM ${table} ORDER BY key, id`);
  const byKey = db.prepare<[string], Row>(`SELECT data, version FROM ${table} WHERE key = ? ORDER BY id`);
  const del = db.prepare(`DELETE FROM ${table} WHERE id = ?`);
  const parse = (r: Row) => ({ record: JSON.parse(r.data) as T, version: r.version });
  const put = (r: T, version: number | null) => void upsert.run(r.id, version, spec.keyOf(r), JSON.stringify(r));
  return {
    put,
    remove: (id) => void del.run(id),
    get: (id) => {
      const r = one.get(id);
      return r ? parse(r) : null;
    },
    list: (key) => (key ? byKey.all(key) : all.all()).map(parse),
    collection: (log) =>
      jsonCollection(db, log, { name: spec.name, schema: spec.schema, table, idOf: (r) => r.id, write: (r, _id, v) => put(r, v) }),
  };
}
