/**
 * The one way a hub record lands in a domain's local table of JSON records
 * (demands, imports, acts, their status, the classification…). The sync
 * engine calls it inside its own transaction, synchronously.
 *
 * Every incoming record is checked with the collection's shared schema (the
 * one the hub enforces on push): a record that does not parse, or whose id
 * is not the id it was sent under, is skipped with a log line (collection, id
 * and version, never its content) rather than blocking every later change.
 */
import type Database from 'better-sqlite3';
import type { Logger } from 'pino';
import type { z } from 'zod';
import type { CollectionName, SyncRecord } from '../../shared/sync/protocol.js';
import type { LocalCollection } from './context.js';

export interface JsonCollectionSpec<T> {
  name: CollectionName;
  /** The shared record schema (shared/<domain>/…, declared in shared/<domain>/domain.ts). */
  schema: z.ZodType<T>;
  /** Local table; `key` is its primary key column, holding the record id (default `id`). */
  table: string;
  key?: string;
  /** The record's own id, checked against the id it was synced under; omit for records without one. */
  idOf?: (record: T) => string;
  /** Writes a checked record with its hub version (the domain's store knows its columns). */
  write(record: T, id: string, version: number): void;
}

const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;

/** Logs a skipped hub record: where it was and which one, nothing of what it holds. */
export function skipMalformed(log: Logger, record: SyncRecord): void {
  log.warn({ collection: record.collection, id: record.id, version: record.version }, 'malformed hub record skipped');
}

export function jsonCollection<T>(db: Database.Database, log: Logger, spec: JsonCollectionSpec<T>): LocalCollection {
  const key = spec.key ?? 'id';
  // Table and column names come from code, never from data; checked once so the SQL below stays plain.
  if (!IDENTIFIER.test(spec.table) || !IDENTIFIER.test(key)) throw new Error(`bad table ${spec.table}.${key}`);
  const remove = db.prepare(`DELETE FROM ${spec.table} WHERE ${key} = ?`);
  const count = db.prepare<[], number>(`SELECT count(*) FROM ${spec.table}`).pluck();
  const clear = db.prepare(`DELETE FROM ${spec.table}`);
  return {
    name: spec.name,
    apply(record) {
      if (record.deleted) return void remove.run(record.id);
      const parsed = spec.schema.safeParse(record.data);
      if (!parsed.success || (spec.idOf && spec.idOf(parsed.data) !== record.id)) return skipMalformed(log, record);
      spec.write(parsed.data, record.id, record.version);
    },
    count: () => count.get()!,
    clear: () => void clear.run(),
  };
}
