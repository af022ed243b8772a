import { randomUUID } from 'node:crypto';
import { sql, type Kysely, type Transaction } from 'kysely';
import type { SyncRecord } from '../../shared/sync/protocol.js';
import { isPostgres, nowIso, toCount } from '../db/dialect.js';
import type { HubDatabase } from '../db/schema.js';

/**
 * The change log: one row per record per commune, carrying the commune's
 * sequence number at its last write. Every write goes through
 * `lockCommune` → `writeRecords` inside one transaction.
 */
export type SyncDb = Kysely<HubDatabase> | Transaction<HubDatabase>;

export interface CommuneSyncState {
  epoch: string;
  lastSeq: number;
  purgedBelow: number;
}

/** A record as stored; `json` is the exact stored text (null on tombstones). */
export interface StoredRecord {
  collection: string;
  id: string;
  version: number;
  deleted: boolean;
  json: string | null;
}

/** A write of one record: JSON text to store, or null for a tombstone. */
export interface RecordWrite {
  id: string;
  json: string | null;
}

export interface WrittenVersion {
  collection: string;
  id: string;
  version: number;
}

function toState(row: { epoch: string; last_seq: unknown; purged_below: unknown }): CommuneSyncState {
  return { epoch: row.epoch, lastSeq: toCount(row.last_seq), purgedBelow: toCount(row.purged_below) };
}

export function newEpoch(): string {
  return randomUUID();
}

/** The commune's sync row, created with a random epoch the first time the commune syncs. */
export async function ensureCommuneSync(db: SyncDb, communeId: string): Promise<CommuneSyncState> {
  const existing = await db
    .selectFrom('commune_sync')
    .select(['epoch', 'last_seq', 'purged_below'])
    .where('commune_id', '=', communeId)
    .executeTakeFirst();
  if (existing) return toState(existing);
  await db
    .insertInto('commune_sync')
    .values({ commune_id: communeId, epoch: newEpoch(), last_seq: 0, purged_below: 0 })
    .onConflict((oc) => oc.column('commune_id').doNothing())
    .execute();
  const row = await db
    .selectFrom('commune_sync')
    .select(['epoch', 'last_seq', 'purged_below'])
    .where('commune_id', '=', communeId)
    .executeTakeFirstOrThrow();
  return toState(row);
}

/**
 * First statement of every write transaction for a commune. The no-op UPDATE
 * takes the commune's row lock on PostgreSQL (and SQLite's write lock), held
 * until commit: writers of one commune are serialised, so a transaction that
 * hands out version n+1 can only start once the one holding n has committed.
 * Versions therefore become visible in order, and a pull by cursor never
 * skips a record that commits later with a smaller version.
 * (The idempotency check runs after the lock, so a retry never takes a number.)
 */
export async function lockCommune(trx: Transaction<HubDatabase>, communeId: string): Promise<CommuneSyncState> {
  const row = await trx
    .updateTable('commune_sync')
    .set((eb) => ({ last_seq: eb.ref('last_seq') }))
    .where('commune_id', '=', communeId)
    .returning(['epoch', 'last_seq', 'purged_below'])
    .executeTakeFirst();
  if (row) return toState(row);
  await ensureCommuneSync(trx, communeId);
  return lockCommune(trx, communeId);
}

/** Bump the commune's sequence by `count` (UPDATE … RETURNING, under the lock); answers the first of the consecutive versions. */
export async function allocateVersions(trx: Transaction<HubDatabase>, communeId: string, count: number): Promise<number> {
  const row = await trx
    .updateTable('commune_sync')
    .set((eb) => ({ last_seq: eb('last_seq', '+', count) }))
    .where('commune_id', '=', communeId)
    .returning('last_seq')
    .executeTakeFirstOrThrow();
  return toCount(row.last_seq) - count + 1;
}

// SQLite: multi-row INSERTs, 7 parameters per row, well below its 32 766-parameter limit.
const SQLITE_CHUNK = 500;
// PostgreSQL: each statement is a round trip, so rows travel as 4 arrays expanded by unnest(); 2 000 a statement keeps
// the encoding of the arrays (on the event loop) short, so other requests are served between the statements.
const POSTGRES_CHUNK = 2_000;

/**
 * Upsert records (or tombstones) of one collection, each with its own new
 * version, consecutive in the given order. Call inside the transaction that
 * locked the commune (`lockCommune`).
 */
export async function writeRecords(
  trx: Transaction<HubDatabase>,
  communeId: string,
  collection: string,
  writes: readonly RecordWrite[],
): Promise<WrittenVersion[]> {
  if (writes.length === 0) return [];
  const first = await allocateVersions(trx, communeId, writes.length);
  const now = nowIso();
  const postgres = isPostgres(trx);
  const chunk = postgres ? POSTGRES_CHUNK : SQLITE_CHUNK;
  for (let start = 0; start < writes.length; start += chunk) {
    const part = writes.slice(start, start + chunk);
    if (postgres) {
      await sql`insert into sync_records (commune_id, collection, id, version, deleted, data, written_at)
        select ${communeId}, ${collection}, t.id, t.version, t.deleted, t.data, ${now}
        from unnest(${part.map((w) => w.id)}::text[], ${part.map((_, i) => first + start + i)}::bigint[], ${part.map((w) => (w.json === null ? 1 : 0))}::int[], ${part.map((w) => w.json)}::text[]) as t(id, version, deleted, data)
        on conflict (commune_id, collection, id) do update
        set version = excluded.version, deleted = excluded.deleted, data = excluded.data, written_at = excluded.written_at`.execute(trx);
      continue;
    }
    const rows = part.map((w, i) => ({
      commune_id: communeId,
      collection,
      id: w.id,
      version: first + start + i,
      deleted: w.json === null ? 1 : 0,
      data: w.json,
      written_at: now,
    }));
    await trx
      .insertInto('sync_records')
      .values(rows)
      .onConflict((oc) =>
        oc.columns(['commune_id', 'collection', 'id']).doUpdateSet((eb) => ({
          version: eb.ref('excluded.version'),
          deleted: eb.ref('excluded.deleted'),
          data: eb.ref('excluded.data'),
          written_at: eb.ref('excluded.written_at'),
        })),
      )
      .execute();
  }
  return writes.map((w, i) => ({ collection, id: w.id, version: first + i }));
}

/** Gives the event loop a turn (between chunks of long work), so other requests are served meanwhile. */
export const pause = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Stage writes of one collection under `stageId` from `ord` on, in short statements with a pause
 * between them: nothing is visible to pulls, and on SQLite (one writer, synchronous) other requests
 * run between the chunks. `landStaged` moves them in, inside the command's transaction.
 */
export async function stageRecords(db: Kysely<HubDatabase>, stageId: string, ord: number, writes: readonly RecordWrite[]): Promise<void> {
  const now = nowIso();
  for (let start = 0; start < writes.length; start += SQLITE_CHUNK) {
    const rows = writes
      .slice(start, start + SQLITE_CHUNK)
      .map((w, i) => ({ stage_id: stageId, ord: ord + start + i, id: w.id, data: w.json, created_at: now }));
    await db.insertInto('sync_staging').values(rows).execute();
    await pause();
  }
}

/**
 * One statement, inside the transaction that locked the commune: the staged rows `[ord, ord + count)` become
 * records of `collection`, with consecutive new versions in `ord` order (as writeRecords would write them).
 */
export async function landStaged(
  trx: Transaction<HubDatabase>,
  communeId: string,
  collection: string,
  stageId: string,
  ord: number,
  count: number,
): Promise<{ first: number }> {
  const first = await allocateVersions(trx, communeId, count);
  // "where" before "on conflict": SQLite needs it to parse an upsert from a SELECT.
  await sql`insert into sync_records (commune_id, collection, id, version, deleted, data, written_at)
    select ${communeId}, ${collection}, id, ord + ${first - ord}, case when data is null then 1 else 0 end, data, ${nowIso()}
    from sync_staging where stage_id = ${stageId} and ord >= ${ord} and ord < ${ord + count}
    on conflict (commune_id, collection, id) do update
    set version = excluded.version, deleted = excluded.deleted, data = excluded.data, written_at = excluded.written_at`.execute(trx);
  return { first };
}

/** Delete a stage (after its transaction, landed or not), in chunks; `olderThan` sweeps stages a crash left behind. */
export async function dropStaged(db: Kysely<HubDatabase>, stageId: string, count: number): Promise<void> {
  for (let start = 0; start < count; start += 5_000) {
    await db
      .deleteFrom('sync_staging')
      .where('stage_id', '=', stageId)
      .where('ord', '<', start + 5_000)
      .execute();
    await pause();
  }
}

export async function sweepStaged(db: Kysely<HubDatabase>, olderThan: string): Promise<number> {
  const res = await db.deleteFrom('sync_staging').where('created_at', '<', olderThan).executeTakeFirst();
  return Number(res.numDeletedRows);
}

/** Whether a record of `collections` was written after version `seq` (the basis of work prepared outside the transaction). */
export async function changedSince(db: SyncDb, communeId: string, collections: readonly string[], seq: number): Promise<boolean> {
  if (collections.length === 0) return false;
  const row = await db
    .selectFrom('sync_records')
    .select('id')
    .where('commune_id', '=', communeId)
    .where('version', '>', seq)
    .where('collection', 'in', [...collections])
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

/** Every record of a collection, read in pages by id with a pause between them (work prepared outside a transaction). */
export async function readAllRecordsPaged(db: SyncDb, communeId: string, collection: string, page = 5_000): Promise<StoredRecord[]> {
  const out: StoredRecord[] = [];
  let after: string | null = null;
  for (;;) {
    let q = db
      .selectFrom('sync_records')
      .select(['collection', 'id', 'version', 'deleted', 'data'])
      .where('commune_id', '=', communeId)
      .where('collection', '=', collection);
    if (after !== null) q = q.where('id', '>', after);
    const rows = await q.orderBy('id').limit(page).execute();
    for (const r of rows) out.push(toStoredRecord(r));
    if (rows.length < page) return out;
    after = rows[rows.length - 1]!.id;
    await pause();
  }
}

type RecordRow = { collection: string; id: string; version: unknown; deleted: unknown; data: string | null };

export function toStoredRecord(row: RecordRow): StoredRecord {
  return {
    collection: row.collection,
    id: row.id,
    version: toCount(row.version),
    deleted: toCount(row.deleted) === 1,
    json: row.data,
  };
}

export async function readRecord(db: SyncDb, communeId: string, collection: string, id: string): Promise<StoredRecord | null> {
  const row = await db
    .selectFrom('sync_records')
    .select(['collection', 'id', 'version', 'deleted', 'data'])
    .where('commune_id', '=', communeId)
    .where('collection', '=', collection)
    .where('id', '=', id)
    .executeTakeFirst();
  return row ? toStoredRecord(row) : null;
}

/** Every record of a collection, tombstones included (one query: imports compare whole lists). */
export async function readAllRecords(db: SyncDb, communeId: string, collection: string): Promise<StoredRecord[]> {
  const rows = await db
    .selectFrom('sync_records')
    .select(['collection', 'id', 'version', 'deleted', 'data'])
    .where('commune_id', '=', communeId)
    .where('collection', '=', collection)
    .execute();
  return rows.map(toStoredRecord);
}

/** The wire form of a stored record (data parsed; null on tombstones). */
export function toSyncRecord(r: StoredRecord): SyncRecord {
  return {
    // Only collections of the registry are ever written (push and commands check it).
    collection: r.collection as SyncRecord['collection'],
    id: r.id,
    version: r.version,
    deleted: r.deleted,
    data: r.deleted || r.json === null ? null : (JSON.parse(r.json) as unknown),
  };
}
