import { createHash } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import { GuichetError } from '../../../shared/errors.js';
import { nowIso, toCount } from '../../db/dialect.js';
import type { HubDatabase } from '../../db/schema.js';

/**
 * Per-commune content-addressed files (act PDFs, annexes, letters). The bytes
 * live in `acts_file_chunks` (see tables.ts for why not a folder); a file is
 * usable once `complete`, i.e. every byte arrived and the SHA-256 matched.
 */
type Db = Kysely<HubDatabase> | Transaction<HubDatabase>;

/** Pastell's 150 Mo limit on act + annexes: no single file can exceed it either. */
export const MAX_FILE_BYTES = 150 * 1024 * 1024;
export const SHA256_HEX = /^[0-9a-f]{64}$/;

/** An upload not finished this long after its first bytes is abandoned (refused, or its PC gone): its bytes are purged. */
export const INCOMPLETE_UPLOAD_TTL_MS = 48 * 3600_000;
/** Default cap on a collectivité's stored plus in-progress file bytes (the hub's `actsFiles.quotaBytes`). */
export const DEFAULT_FILES_QUOTA_BYTES = 2 * 1024 * 1024 * 1024;

/** Bytes the collectivité holds or has announced: complete files, and the announced size of uploads in progress (reserved). */
export async function bytesHeld(db: Db, communeId: string): Promise<number> {
  const row = await db
    .selectFrom('acts_files')
    .select((eb) => eb.fn.sum<number>('size').as('total'))
    .where('commune_id', '=', communeId)
    .executeTakeFirst();
  return toCount(row?.total ?? 0);
}

/**
 * Deletes uploads still incomplete `olderThanMs` after their first bytes, with their chunks,
 * in one transaction. An upload resumed later finds offset 0 and starts again; an append
 * racing the purge is answered « resume at 0 » (its conditional update finds no row at its offset).
 */
export async function purgeIncompleteUploads(
  db: Kysely<HubDatabase>,
  opts: { olderThanMs?: number; now?: Date } = {},
): Promise<{ files: number; bytes: number }> {
  const cutoff = new Date((opts.now ?? new Date()).getTime() - (opts.olderThanMs ?? INCOMPLETE_UPLOAD_TTL_MS)).toISOString();
  return db.transaction().execute(async (trx) => {
    const gone = await trx
      .deleteFrom('acts_files')
      .where('complete', '=', 0)
      .where('created_at', '<', cutoff)
      .returning(['commune_id', 'sha256', 'received'])
      .execute();
    for (const f of gone)
      await trx.deleteFrom('acts_file_chunks').where('commune_id', '=', f.commune_id).where('sha256', '=', f.sha256).execute();
    return { files: gone.length, bytes: gone.reduce((n, f) => n + toCount(f.received), 0) };
  });
}

export interface FileState {
  size: number;
  received: number;
  complete: boolean;
}

export async function fileState(db: Db, communeId: string, sha256: string): Promise<FileState | null> {
  const row = await db
    .selectFrom('acts_files')
    .select(['size', 'received', 'complete'])
    .where('commune_id', '=', communeId)
    .where('sha256', '=', sha256)
    .executeTakeFirst();
  return row ? { size: toCount(row.size), received: toCount(row.received), complete: toCount(row.complete) === 1 } : null;
}

/** Thrown when the uploader's offset is not where the hub is; carries the hub's offset. */
export class OffsetMismatch extends GuichetError {
  constructor(readonly current: number) {
    super(
      'conflict',
      'Le transfert du fichier a repris au mauvais endroit ; il reprendra automatiquement là où le hub en est.',
      `expected offset ${current}`,
    );
  }
}

export class HashMismatch extends GuichetError {
  constructor() {
    super(
      'invalid_input',
      'Le fichier reçu par le hub est abîmé (son empreinte ne correspond pas) ; il a été écarté, renvoyez-le.',
      'sha256 mismatch',
    );
  }
}

/**
 * Append `data` at `offset` of a file of `total` bytes, in one transaction
 * with the offset update. Answers the new state; when the last byte lands the
 * SHA-256 is checked (mismatch: the file is discarded and HashMismatch thrown).
 */
export async function appendToFile(
  db: Kysely<HubDatabase>,
  communeId: string,
  sha256: string,
  offset: number,
  total: number,
  data: Uint8Array,
): Promise<FileState> {
  const state = await db.transaction().execute(async (trx) => {
    await trx
      .insertInto('acts_files')
      .values({ commune_id: communeId, sha256, size: total, received: 0, complete: 0, created_at: nowIso(), completed_at: null })
      .onConflict((oc) => oc.columns(['commune_id', 'sha256']).doNothing())
      .execute();
    // Conditional update = the row lock: two concurrent appends at the same offset cannot both win.
    const moved = await trx
      .updateTable('acts_files')
      .set({ received: offset + data.byteLength })
      .where('commune_id', '=', communeId)
      .where('sha256', '=', sha256)
      .where('received', '=', offset)
      .where('complete', '=', 0)
      .where('size', '=', total)
      .returning(['size', 'received'])
      .executeTakeFirst();
    if (!moved) {
      const current = (await fileState(trx, communeId, sha256))!;
      if (current.complete) return current;
      if (current.size !== total) {
        throw new GuichetError(
          'invalid_input',
          'La taille annoncée du fichier a changé en cours de transfert.',
          `upload-length ${total}, expected ${current.size}`,
        );
      }
      throw new OffsetMismatch(current.received);
    }
    if (data.byteLength > 0)
      await trx.insertInto('acts_file_chunks').values({ commune_id: communeId, sha256, pos: offset, data }).execute();
    return { size: toCount(moved.size), received: toCount(moved.received), complete: false };
  });
  if (state.complete || state.received < state.size) return state;
  return completeFile(db, communeId, sha256);
}

/** Every byte arrived: check the SHA-256, then mark complete (or discard). */
async function completeFile(db: Kysely<HubDatabase>, communeId: string, sha256: string): Promise<FileState> {
  const hash = createHash('sha256');
  for await (const piece of fileChunks(db, communeId, sha256)) hash.update(piece);
  if (hash.digest('hex') !== sha256) {
    await db.deleteFrom('acts_file_chunks').where('commune_id', '=', communeId).where('sha256', '=', sha256).execute();
    await db.deleteFrom('acts_files').where('commune_id', '=', communeId).where('sha256', '=', sha256).where('complete', '=', 0).execute();
    throw new HashMismatch();
  }
  await db
    .updateTable('acts_files')
    .set({ complete: 1, completed_at: nowIso() })
    .where('commune_id', '=', communeId)
    .where('sha256', '=', sha256)
    .execute();
  return (await fileState(db, communeId, sha256))!;
}

/** The file's bytes in order, a few pieces per query (a 150 MB file is never all in memory for hashing). */
export async function* fileChunks(db: Db, communeId: string, sha256: string): AsyncGenerator<Buffer> {
  let from = -1;
  for (;;) {
    const rows = await db
      .selectFrom('acts_file_chunks')
      .select(['pos', 'data'])
      .where('commune_id', '=', communeId)
      .where('sha256', '=', sha256)
      .where('pos', '>', from)
      .orderBy('pos')
      .limit(8)
      .execute();
    if (rows.length === 0) return;
    for (const r of rows) yield Buffer.from(r.data);
    from = toCount(rows[rows.length - 1].pos);
  }
}

/** The whole content of a complete file of the commune, or null (unknown, incomplete or another commune's). */
export async function readCompleteFile(db: Db, communeId: string, sha256: string): Promise<Buffer | null> {
  const state = await fileState(db, communeId, sha256);
  if (!state?.complete) return null;
  const pieces: Buffer[] = [];
  for await (const p of fileChunks(db, communeId, sha256)) pieces.push(p);
  return Buffer.concat(pieces);
}

/** Store bytes the hub itself received (prefecture letters): idempotent by content. */
export async function storeCompleteFile(db: Db, communeId: string, content: Uint8Array): Promise<string> {
  const sha256 = createHash('sha256').update(content).digest('hex');
  const inserted = await db
    .insertInto('acts_files')
    .values({
      commune_id: communeId,
      sha256,
      size: content.byteLength,
      received: content.byteLength,
      complete: 1,
      created_at: nowIso(),
      completed_at: nowIso(),
    })
    .onConflict((oc) => oc.columns(['commune_id', 'sha256']).doNothing())
    .returning('sha256')
    .executeTakeFirst();
  if (inserted) {
    if (content.byteLength > 0)
      await db.insertInto('acts_file_chunks').values({ commune_id: communeId, sha256, pos: 0, data: content }).execute();
    return sha256;
  }
  const state = await fileState(db, communeId, sha256);
  if (!state?.complete) {
    // A partial upload of the same content: replace it with the complete bytes.
    await db.deleteFrom('acts_file_chunks').where('commune_id', '=', communeId).where('sha256', '=', sha256).execute();
    if (content.byteLength > 0)
      await db.insertInto('acts_file_chunks').values({ commune_id: communeId, sha256, pos: 0, data: content }).execute();
    await db
      .updateTable('acts_files')
      .set({ size: content.byteLength, received: content.byteLength, complete: 1, completed_at: nowIso() })
      .where('commune_id', '=', communeId)
      .where('sha256', '=', sha256)
      .execute();
  }
  return sha256;
}
