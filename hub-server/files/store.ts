import { createHash } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import { GuichetError } from '../../shared/errors.js';
import { nowIso, toCount } from '../db/dialect.js';
import type { HubDatabase } from '../db/schema.js';

/**
 * The files module's store: per-collectivité content-addressed files (act PDFs,
 * annexes, letters, demands' justificatifs). The bytes live in `file_chunks`
 * (see tables.ts for why not a folder); a file is usable once `complete`, i.e.
 * every byte arrived and the SHA-256 matched, and only through a domain it is
 * tagged with (`file_tags`).
 */
type Db = Kysely<HubDatabase> | Transaction<HubDatabase>;

export const SHA256_HEX = /^[0-9a-f]{64}$/;

/** An upload not finished this long after its first bytes is abandoned (refused, or its PC gone): its bytes are purged. */
export const INCOMPLETE_UPLOAD_TTL_MS = 48 * 3600_000;
/** Default cap on a collectivité's stored plus in-progress file bytes (the hub's `files.quotaBytes`), all domains together. */
export const DEFAULT_FILES_QUOTA_BYTES = 2 * 1024 * 1024 * 1024;

/** Bytes the collectivité holds or has announced: complete files, and the announced size of uploads in progress (reserved). */
export async function bytesHeld(db: Db, communeId: string): Promise<number> {
  const row = await db
    .selectFrom('files')
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
      .deleteFrom('files')
      .where('complete', '=', 0)
      .where('created_at', '<', cutoff)
      .returning(['commune_id', 'sha256', 'received'])
      .execute();
    for (const f of gone) await dropBytes(trx, f.commune_id, f.sha256);
    return { files: gone.length, bytes: gone.reduce((n, f) => n + toCount(f.received), 0) };
  });
}

export interface FileState {
  size: number;
  received: number;
  complete: boolean;
}

/**
 * Where a file of the collectivité stands; with `domain`, only a file tagged with that domain
 * (another domain's file answers like an unknown one: its permissions were not checked).
 */
export async function fileState(db: Db, communeId: string, sha256: string, domain?: string): Promise<FileState | null> {
  return (await fileStates(db, communeId, [sha256], domain)).get(sha256) ?? null;
}

/** `fileState` of several files in one query (a record naming two files costs one round trip, not two). */
export async function fileStates(db: Db, communeId: string, sha256s: readonly string[], domain?: string): Promise<Map<string, FileState>> {
  const states = new Map<string, FileState>();
  if (sha256s.length === 0) return states;
  let query = db
    .selectFrom('files')
    .select(['sha256', 'size', 'received', 'complete'])
    .where('commune_id', '=', communeId)
    .where('sha256', 'in', [...sha256s]);
  if (domain !== undefined)
    query = query.where((eb) =>
      eb.exists(
        eb
          .selectFrom('file_tags')
          .select('file_tags.sha256')
          .whereRef('file_tags.commune_id', '=', 'files.commune_id')
          .whereRef('file_tags.sha256', '=', 'files.sha256')
          .where('file_tags.domain', '=', domain),
      ),
    );
  for (const row of await query.execute())
    states.set(row.sha256, { size: toCount(row.size), received: toCount(row.received), complete: toCount(row.complete) === 1 });
  return states;
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
  domain: string,
  sha256: string,
  offset: number,
  total: number,
  data: Uint8Array,
): Promise<FileState> {
  const state = await db.transaction().execute(async (trx) => {
    await trx
      .insertInto('files')
      .values({ commune_id: communeId, sha256, size: total, received: 0, complete: 0, created_at: nowIso(), completed_at: null })
      .onConflict((oc) => oc.columns(['commune_id', 'sha256']).doNothing())
      .execute();
    await tagFile(trx, communeId, sha256, domain);
    // Conditional update = the row lock: two concurrent appends at the same offset cannot both win.
    const moved = await trx
      .updateTable('files')
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
    if (data.byteLength > 0) await trx.insertInto('file_chunks').values({ commune_id: communeId, sha256, pos: offset, data }).execute();
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
    await db.transaction().execute(async (trx) => {
      const gone = await trx
        .deleteFrom('files')
        .where('commune_id', '=', communeId)
        .where('sha256', '=', sha256)
        .where('complete', '=', 0)
        .returning('sha256')
        .executeTakeFirst();
      if (gone) await dropBytes(trx, communeId, sha256);
    });
    throw new HashMismatch();
  }
  await db
    .updateTable('files')
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
      .selectFrom('file_chunks')
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

/** The whole content of a complete file of the domain in the collectivité, or null (unknown, incomplete, another collectivité's or domain's). */
export async function readCompleteFile(db: Db, communeId: string, domain: string, sha256: string): Promise<Buffer | null> {
  const state = await fileState(db, communeId, sha256, domain);
  if (!state?.complete) return null;
  const pieces: Buffer[] = [];
  for await (const p of fileChunks(db, communeId, sha256)) pieces.push(p);
  return Buffer.concat(pieces);
}

/** Store bytes the hub itself received (prefecture letters): idempotent by content. */
export async function storeCompleteFile(db: Db, communeId: string, domain: string, content: Uint8Array): Promise<string> {
  const sha256 = createHash('sha256').update(content).digest('hex');
  const inserted = await db
    .insertInto('files')
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
  await tagFile(db, communeId, sha256, domain);
  if (inserted) {
    if (content.byteLength > 0)
      await db.insertInto('file_chunks').values({ commune_id: communeId, sha256, pos: 0, data: content }).execute();
    return sha256;
  }
  const state = await fileState(db, communeId, sha256);
  if (!state?.complete) {
    // A partial upload of the same content: replace it with the complete bytes.
    await db.deleteFrom('file_chunks').where('commune_id', '=', communeId).where('sha256', '=', sha256).execute();
    if (content.byteLength > 0)
      await db.insertInto('file_chunks').values({ commune_id: communeId, sha256, pos: 0, data: content }).execute();
    await db
      .updateTable('files')
      .set({ size: content.byteLength, received: content.byteLength, complete: 1, completed_at: nowIso() })
      .where('commune_id', '=', communeId)
      .where('sha256', '=', sha256)
      .execute();
  }
  return sha256;
}

/** Marks a file as sent through `domain` (idempotent); its retention counts from the first tag. */
export async function tagFile(db: Db, communeId: string, sha256: string, domain: string): Promise<void> {
  await db
    .insertInto('file_tags')
    .values({ commune_id: communeId, sha256, domain, tagged_at: nowIso() })
    .onConflict((oc) => oc.columns(['commune_id', 'sha256', 'domain']).doNothing())
    .execute();
}

/** Removes a file's bytes and tags (its `files` row is the caller's, deleted in the same transaction). */
async function dropBytes(db: Db, communeId: string, sha256: string): Promise<void> {
  await db.deleteFrom('file_chunks').where('commune_id', '=', communeId).where('sha256', '=', sha256).execute();
  await db.deleteFrom('file_tags').where('commune_id', '=', communeId).where('sha256', '=', sha256).execute();
}

/** What the expiry of complete files needs to know of the domains (from the registry, hub-server/files/maintenance.ts). */
export interface FileRetention {
  /** Domains whose files expire, with their retention in days (absent: kept for ever). */
  retentionDays: ReadonlyMap<string, number>;
  /** SHA-256 of the files the live records of `domain` in the collectivité name. */
  referenced(trx: Transaction<HubDatabase>, communeId: string, domain: string): Promise<ReadonlySet<string>>;
}

/**
 * Expires complete files of domains with a retention: a tag older than its domain's retention
 * whose file no live record of the domain names is removed; a file left without any tag is
 * deleted with its bytes. A file a record names, or still within retention, is never touched.
 * One transaction per collectivité and domain (a push naming the file waits on the row lock of
 * the sync, so it either lands before, and is seen, or after, and is refused for a missing file).
 */
export async function expireUnreferencedFiles(
  db: Kysely<HubDatabase>,
  retention: FileRetention,
  opts: { now?: Date } = {},
): Promise<{ files: number; bytes: number }> {
  const now = (opts.now ?? new Date()).getTime();
  let files = 0;
  let bytes = 0;
  for (const [domain, days] of retention.retentionDays) {
    const cutoff = new Date(now - days * 86_400_000).toISOString();
    const candidates = await db
      .selectFrom('file_tags')
      .select(['commune_id', 'sha256'])
      .where('domain', '=', domain)
      .where('tagged_at', '<', cutoff)
      .execute();
    const byCommune = new Map<string, string[]>();
    for (const c of candidates) byCommune.set(c.commune_id, [...(byCommune.get(c.commune_id) ?? []), c.sha256]);
    for (const [communeId, shas] of byCommune) {
      await db.transaction().execute(async (trx) => {
        const named = await retention.referenced(trx, communeId, domain);
        for (const sha256 of shas) {
          if (named.has(sha256)) continue;
          await trx
            .deleteFrom('file_tags')
            .where('commune_id', '=', communeId)
            .where('sha256', '=', sha256)
            .where('domain', '=', domain)
            .execute();
          const other = await trx
            .selectFrom('file_tags')
            .select('domain')
            .where('commune_id', '=', communeId)
            .where('sha256', '=', sha256)
            .executeTakeFirst();
          if (other) continue;
          const gone = await trx
            .deleteFrom('files')
            .where('commune_id', '=', communeId)
            .where('sha256', '=', sha256)
            .where('complete', '=', 1)
            .returning('size')
            .executeTakeFirst();
          if (!gone) continue;
          await dropBytes(trx, communeId, sha256);
          files++;
          bytes += toCount(gone.size);
        }
      });
    }
  }
  return { files, bytes };
}
