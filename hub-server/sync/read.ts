import { GuichetError } from '../../shared/errors.js';
import { PAGE_BYTE_BUDGET, type PullResponse, type SnapshotResponse, type SyncRecord } from '../../shared/sync/protocol.js';
import { sql } from 'kysely';
import { isPostgres, toCount } from '../db/dialect.js';
import { type DeriveId, encodeBlocks } from '../../shared/sync/columns.js';
import { timeStep, timeStepAsync } from '../../shared/sync/step-timer.js';
import { ensureCommuneSync, toState, toStoredRecord, toSyncRecord, type CommuneSyncState, type SyncDb } from './store.js';

const RESYNC_MESSAGE =
  'La copie locale de ce poste doit être rechargée entièrement depuis le hub. Guichet s’en charge automatiquement ; vos modifications en attente sont conservées.';

function resyncRequired(detail: string): GuichetError {
  return new GuichetError('resync_required', RESYNC_MESSAGE, detail);
}

type RecordRow = Parameters<typeof toStoredRecord>[0];
const rowToSync = (row: RecordRow): SyncRecord => toSyncRecord(toStoredRecord(row));

/**
 * The wire form of stored records as JSON text, the stored data spliced in as is (the hub wrote it with
 * JSON.stringify): a 5 000-record page is not parsed only to be serialised again on the event loop.
 */
function recordsJson(rows: readonly RecordRow[]): string {
  const parts = rows.map((row) => {
    const r = toStoredRecord(row);
    const data = r.deleted || r.json === null ? 'null' : r.json;
    return `{"collection":${JSON.stringify(r.collection)},"id":${JSON.stringify(r.id)},"version":${r.version},"deleted":${r.deleted},"data":${data}}`;
  });
  return `[${parts.join(',')}]`;
}

/** A page read, records still as stored: `pullChanges`/`readSnapshot` parse them, the routes send them as text. */
interface Page<T> {
  head: T;
  rows: RecordRow[];
}

/** The JSON text of a response whose `key` holds `rows` (in the order of the response type's fields, after the head). */
function pageJson(head: Record<string, unknown>, key: string, rows: readonly RecordRow[], tail: Record<string, unknown>): string {
  const h = JSON.stringify(head).slice(0, -1);
  const t = JSON.stringify(tail).slice(1);
  return `${h}${h.length > 1 ? ',' : ''}${JSON.stringify(key)}:${recordsJson(rows)}${t.length > 1 ? ',' : ''}${t}`;
}

/**
 * How many of `rows` fit a page: stop once the data passed the byte budget (always at least one), so
 * one oversized stored record (written before records were capped) cannot make a page too large to send.
 */
function fitPage<R extends { data: string | null }>(rows: readonly R[], limit: number, budget = PAGE_BYTE_BUDGET): number {
  let bytes = 0;
  for (let i = 0; i < Math.min(rows.length, limit); i++) {
    bytes += rows[i]!.data?.length ?? 0;
    if (bytes > budget && i > 0) return i;
  }
  return Math.min(rows.length, limit);
}

/**
 * Changes after `cursor`, in version order, of the collections the caller
 * may read (`readable`: the registry's readableCollections for the caller). Answers resync_required when the client's history no longer
 * matches the hub's (other epoch, purged tombstones, cursor from the future).
 */
export async function pullChanges(
  db: SyncDb,
  communeId: string,
  readable: readonly string[],
  query: { epoch?: string; cursor: number; limit: number },
): Promise<PullResponse> {
  const { head, rows } = await pullPage(db, communeId, readable, query);
  return { epoch: head.epoch, changes: rows.map(rowToSync), cursor: head.cursor, hasMore: head.hasMore };
}

/** `pullChanges` as the JSON text of its response. */
export async function pullChangesJson(
  db: SyncDb,
  communeId: string,
  readable: readonly string[],
  query: { epoch?: string; cursor: number; limit: number },
): Promise<{ json: string; changes: number; cursor: number; hasMore: boolean }> {
  const { head, rows } = await pullPage(db, communeId, readable, query);
  const json = pageJson({ epoch: head.epoch }, 'changes', rows, { cursor: head.cursor, hasMore: head.hasMore });
  return { json, changes: rows.length, cursor: head.cursor, hasMore: head.hasMore };
}

async function pullPage(
  db: SyncDb,
  communeId: string,
  readable: readonly string[],
  query: { epoch?: string; cursor: number; limit: number },
): Promise<Page<{ epoch: string; cursor: number; hasMore: boolean }>> {
  const collections = [...readable];
  const read = collections.length > 0 && isPostgres(db) ? await pullPostgres(db, communeId, collections, query) : null;
  // Read before the records (or with them, in one statement: one snapshot): every version up to lastSeq is
  // committed (see lockCommune), so an incomplete page may safely move the cursor up to it.
  const state = read?.state ?? (await ensureCommuneSync(db, communeId));
  checkHistory(state, query.epoch, query.cursor);
  if (collections.length === 0)
    return { head: { epoch: state.epoch, cursor: Math.max(query.cursor, state.lastSeq), hasMore: false }, rows: [] };

  const rows =
    read?.rows ??
    (await db
      .selectFrom('sync_records')
      .select(['collection', 'id', 'version', 'deleted', 'data'])
      .where('commune_id', '=', communeId)
      .where('version', '>', query.cursor)
      .where('collection', 'in', collections)
      .orderBy('version')
      .limit(query.limit + 1)
      .execute());
  const fit = fitPage(rows, query.limit);
  const hasMore = rows.length > fit;
  const changes = rows.slice(0, fit);
  const lastSent = changes.length > 0 ? toCount(changes[changes.length - 1].version) : query.cursor;
  return { head: { epoch: state.epoch, cursor: hasMore ? lastSent : Math.max(lastSent, state.lastSeq), hasMore }, rows: changes };
}

/**
 * PostgreSQL: the commune's sync state and the page of records in one statement (one round trip instead of
 * two; READ COMMITTED gives the whole statement one snapshot, so the state is read no later than the records).
 * Null when the commune has no sync row yet (its first pull): the caller creates it.
 */
async function pullPostgres(
  db: SyncDb,
  communeId: string,
  collections: readonly string[],
  query: { cursor: number; limit: number },
): Promise<{ state: CommuneSyncState; rows: RecordRow[] } | null> {
  const { rows } = await sql<{ epoch: string; last_seq: unknown; purged_below: unknown } & { [K in keyof RecordRow]: RecordRow[K] | null }>`
    select s.epoch, s.last_seq, s.purged_below, r.collection, r.id, r.version, r.deleted, r.data
    from commune_sync s
    left join lateral (
      select collection, id, version, deleted, data from sync_records
      where commune_id = s.commune_id and version > ${query.cursor} and collection in (${sql.join(collections)})
      order by version limit ${query.limit + 1}
    ) r on true
    where s.commune_id = ${communeId}
    order by r.version`.execute(db);
  const head = rows[0];
  if (!head) return null;
  const records: RecordRow[] = [];
  for (const r of rows) {
    if (r.id !== null) records.push({ collection: r.collection!, id: r.id, version: r.version, deleted: r.deleted, data: r.data });
  }
  return { state: toState(head), rows: records };
}

function checkHistory(state: CommuneSyncState, epoch: string | undefined, cursor: number): void {
  if (epoch !== undefined && epoch !== state.epoch) throw resyncRequired('epoch changed');
  if (cursor < state.purgedBelow) throw resyncRequired(`cursor ${cursor} older than tombstone horizon ${state.purgedBelow}`);
  if (cursor > state.lastSeq) throw resyncRequired(`cursor ${cursor} ahead of hub sequence ${state.lastSeq}`);
}

/** `after` keys are opaque to clients: base64url of [collection, id]. */
function encodeAfter(collection: string, id: string): string {
  return Buffer.from(JSON.stringify([collection, id]), 'utf8').toString('base64url');
}

function decodeAfter(after: string): [string, string] {
  try {
    const key = JSON.parse(Buffer.from(after, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(key) && key.length === 2 && typeof key[0] === 'string' && typeof key[1] === 'string') return [key[0], key[1]];
  } catch {
    // fall through
  }
  throw new GuichetError(
    'bad_request',
    'La demande de rechargement est mal formée. Recommencez le rechargement.',
    'invalid snapshot after key',
  );
}

/**
 * One page of the live records (no tombstones), ordered by (collection, id).
 * `asOf` is the sequence read when the first page was served: the client
 * pulls from it afterwards, which delivers whatever changed between pages.
 */
export async function readSnapshot(
  db: SyncDb,
  communeId: string,
  readable: readonly string[],
  query: { asOf?: number; after?: string; limit: number; format?: 'records' | 'columns' },
  derive?: DeriveId,
  start?: SnapshotStart,
): Promise<SnapshotResponse> {
  const { head, rows } = await timeStepAsync('hub.query', () => snapshotPage(db, communeId, readable, query, start));
  const records = timeStep('hub.parse', () => rows.map(rowToSync));
  if (query.format !== 'columns') return { epoch: head.epoch, asOf: head.asOf, records, next: head.next };
  const { blocks, rest } = timeStep('hub.encode', () => encodeBlocks(records, derive));
  return { epoch: head.epoch, asOf: head.asOf, records: rest, blocks, next: head.next };
}

/** `readSnapshot` as the JSON text of its response. */
export async function readSnapshotJson(
  db: SyncDb,
  communeId: string,
  readable: readonly string[],
  query: { asOf?: number; after?: string; limit: number },
): Promise<{ json: string; asOf: number; records: number; next: string | null }> {
  const { head, rows } = await snapshotPage(db, communeId, readable, query);
  return {
    json: pageJson({ epoch: head.epoch, asOf: head.asOf }, 'records', rows, { next: head.next }),
    asOf: head.asOf,
    records: rows.length,
    next: head.next,
  };
}

/** What a snapshot page is read against: the commune's sync state, read before its records, and the page's `asOf`. */
export interface SnapshotStart {
  state: CommuneSyncState;
  asOf: number;
}

/** The state a snapshot page starts from (the first page's `asOf` is the current sequence); refuses an `asOf` from the future. */
export async function snapshotStart(db: SyncDb, communeId: string, asOf?: number): Promise<SnapshotStart> {
  const state = await ensureCommuneSync(db, communeId);
  const at = asOf ?? state.lastSeq;
  if (at > state.lastSeq) throw resyncRequired(`snapshot asOf ${at} ahead of hub sequence ${state.lastSeq}`);
  return { state, asOf: at };
}

async function snapshotPage(
  db: SyncDb,
  communeId: string,
  readable: readonly string[],
  query: { asOf?: number; after?: string; limit: number },
  start?: SnapshotStart,
): Promise<Page<{ epoch: string; asOf: number; next: string | null }>> {
  const { state, asOf } = start ?? (await snapshotStart(db, communeId, query.asOf));
  const collections = [...readable];
  if (collections.length === 0) return { head: { epoch: state.epoch, asOf, next: null }, rows: [] };

  let q = db
    .selectFrom('sync_records')
    .select(['collection', 'id', 'version', 'deleted', 'data'])
    .where('commune_id', '=', communeId)
    .where('deleted', '=', 0)
    .where('collection', 'in', collections);
  if (query.after !== undefined) {
    const [collection, id] = decodeAfter(query.after);
    q = q.where((eb) => eb.or([eb('collection', '>', collection), eb.and([eb('collection', '=', collection), eb('id', '>', id)])]));
  }
  const rows = await q
    .orderBy('collection')
    .orderBy('id')
    .limit(query.limit + 1)
    .execute();
  const fit = fitPage(rows, query.limit);
  const more = rows.length > fit;
  const page = rows.slice(0, fit);
  const last = page[page.length - 1];
  return { head: { epoch: state.epoch, asOf, next: more && last ? encodeAfter(last.collection, last.id) : null }, rows: page };
}
