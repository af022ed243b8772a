import { GuichetError } from '../../shared/errors.js';
import { PAGE_BYTE_BUDGET, type PullResponse, type SnapshotResponse, type SyncRecord } from '../../shared/sync/protocol.js';
import { type DeriveId, encodeBlocks } from '../../shared/sync/columns.js';
import { ensureCommuneSync, toStoredRecord, toSyncRecord, type CommuneSyncState, type SyncDb } from './store.js';

const RESYNC_MESSAGE =
  'La copie locale de ce poste doit être rechargée entièrement depuis le hub. Guichet s’en charge automatiquement ; vos modifications en attente sont conservées.';

function resyncRequired(detail: string): GuichetError {
  return new GuichetError('resync_required', RESYNC_MESSAGE, detail);
}

const rowToSync = (row: Parameters<typeof toStoredRecord>[0]): SyncRecord => toSyncRecord(toStoredRecord(row));

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
  // Read before the records: every version up to lastSeq is committed (see lockCommune), so an
  // incomplete page may safely move the cursor up to it.
  const state = await ensureCommuneSync(db, communeId);
  checkHistory(state, query.epoch, query.cursor);
  const collections = [...readable];
  if (collections.length === 0) return { epoch: state.epoch, changes: [], cursor: Math.max(query.cursor, state.lastSeq), hasMore: false };

  const rows = await db
    .selectFrom('sync_records')
    .select(['collection', 'id', 'version', 'deleted', 'data'])
    .where('commune_id', '=', communeId)
    .where('version', '>', query.cursor)
    .where('collection', 'in', collections)
    .orderBy('version')
    .limit(query.limit + 1)
    .execute();
  const fit = fitPage(rows, query.limit);
  const hasMore = rows.length > fit;
  const changes = rows.slice(0, fit).map(rowToSync);
  const lastSent = changes.length > 0 ? changes[changes.length - 1].version : query.cursor;
  return { epoch: state.epoch, changes, cursor: hasMore ? lastSent : Math.max(lastSent, state.lastSeq), hasMore };
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
): Promise<SnapshotResponse> {
  const state = await ensureCommuneSync(db, communeId);
  const asOf = query.asOf ?? state.lastSeq;
  if (asOf > state.lastSeq) throw resyncRequired(`snapshot asOf ${asOf} ahead of hub sequence ${state.lastSeq}`);
  const collections = [...readable];
  if (collections.length === 0) return { epoch: state.epoch, asOf, records: [], next: null };

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
  const next = more && last ? encodeAfter(last.collection, last.id) : null;
  const records = page.map(rowToSync);
  if (query.format !== 'columns') return { epoch: state.epoch, asOf, records, next };
  const { blocks, rest } = encodeBlocks(records, derive);
  return { epoch: state.epoch, asOf, records: rest, blocks, next };
}
