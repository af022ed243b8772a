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

export function toState(row: { epoch: string; last_seq: unknown; purged_below: unknown }): CommuneSyncState {
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

/**
 * `lockCommune`, then the stored result of (device, mutation) if it was applied already (JSON text, or null).
 * PostgreSQL: one statement, the lookup a subquery of the UPDATE's RETURNING (one round trip saved per mutation).
 * That subquery reads the statement's snapshot, taken before the lock was waited for: a transaction that held
 * the lock and stored this very mutation meanwhile (a retry racing its original) is not seen. Exactly-once
 * still holds: storing the result then fails on device_mutations' primary key, the transaction rolls back,
 * and the push applies the mutation again, which finds the stored result (`isDuplicateMutation`).
 */
export async function lockCommuneFor(
  trx: Transaction<HubDatabase>,
  communeId: string,
  mutation: { deviceId: string; mutationId: number },
): Promise<{ state: CommuneSyncState; stored: string | null }> {
  if (!isPostgres(trx)) {
    const state = await lockCommune(trx, communeId);
    return { state, stored: await storedResult(trx, mutation) };
  }
  const { rows } = await sql<{ epoch: string; last_seq: unknown; purged_below: unknown; stored: string | null }>`
    update commune_sync set last_seq = last_seq where commune_id = ${communeId}
    returning epoch, last_seq, purged_below,
      (select result from device_mutations where device_id = ${mutation.deviceId} and mutation_id = ${mutation.mutationId}) as stored`.execute(
    trx,
  );
  const row = rows[0];
  if (row) return { state: toState(row), stored: row.stored };
  await ensureCommuneSync(trx, communeId);
  return lockCommuneFor(trx, communeId, mutation);
}

/** The result stored for (device, mutation) when it was applied already (JSON text), else null. */
export async function storedResult(db: SyncDb, mutation: { deviceId: string; mutationId: number }): Promise<string | null> {
  const row = await db
    .selectFrom('device_mutations')
    .select('result')
    .where('device_id', '=', mutation.deviceId)
    .where('mutation_id', '=', mutation.mutationId)
    .executeTakeFirst();
  return row?.result ?? null;
}

/** Whether `err` is PostgreSQL refusing a second stored result for one (device, mutation): see `lockCommuneFor`. */
export function isDuplicateMutation(err: unknown): boolean {
  const e = err as { code?: unknown; constraint?: unknown } | null;
  return e?.code === '23505' && e.constraint === 'device_mutations_pk';
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
// PostgreSQL: rows travel as one JSON text (native JSON.stringify, ~1 ms for 2 000 electors; pg's array-literal
// encoder took 158 ms of event loop for a 35 000-elector import), 2 000 a statement so other requests are served
// between the statements.
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
  if (isPostgres(trx)) {
    const first = await writeRecordsPostgres(trx, communeId, collection, writes);
    return writes.map((w, i) => ({ collection, id: w.id, version: first + i }));
  }
  const first = await allocateVersions(trx, communeId, writes.length);
  const now = nowIso();
  for (let start = 0; start < writes.length; start += SQLITE_CHUNK) {
    const rows = writes.slice(start, start + SQLITE_CHUNK).map((w, i) => ({
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

/**
 * PostgreSQL: the first statement allocates the versions of every write (as `allocateVersions`) and inserts
 * the first chunk, in one round trip (a CTE); each row is `[id, json]` of a JSON array, its version the
 * allocated base plus its position (`with ordinality`), so versions stay consecutive in the given order.
 * Answers the first version.
 */
async function writeRecordsPostgres(
  trx: Transaction<HubDatabase>,
  communeId: string,
  collection: string,
  writes: readonly RecordWrite[],
): Promise<number> {
  const now = nowIso();
  const rowsOf = (start: number) => JSON.stringify(writes.slice(start, start + POSTGRES_CHUNK).map((w) => [w.id, w.json]));
  const upsert = (base: ReturnType<typeof sql>, from: ReturnType<typeof sql>, start: number) => sql`
    insert into sync_records (commune_id, collection, id, version, deleted, data, written_at)
    select ${communeId}, ${collection}, t.e->>0, ${base} + t.ord, case when t.e->>1 is null then 1 else 0 end, t.e->>1, ${now}
    from ${from} json_array_elements(${rowsOf(start)}::json) with ordinality as t(e, ord)
    on conflict (commune_id, collection, id) do update
    set version = excluded.version, deleted = excluded.deleted, data = excluded.data, written_at = excluded.written_at`;
  const { rows } = await sql<{ base: unknown }>`
    with v as (
      update commune_sync set last_seq = last_seq + ${writes.length} where commune_id = ${communeId}
      returning last_seq - ${writes.length} as base
    ), w as (${upsert(sql`v.base`, sql`v,`, 0)})
    select base from v`.execute(trx);
  if (rows.length === 0) throw new Error(`commune_sync row missing for ${communeId}`);
  const first = toCount(rows[0]!.base) + 1;
  for (let start = POSTGRES_CHUNK; start < writes.length; start += POSTGRES_CHUNK) {
    await upsert(sql`${first + start - 1}::bigint`, sql``, start).execute(trx);
  }
  return first;
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
