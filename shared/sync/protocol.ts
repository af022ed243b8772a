import { z } from 'zod';
import { recordBlockSchema } from './columns.js';

/**
 * Client ↔ hub sync protocol.
 *
 * - The hub keeps, per commune, every record of every collection with a
 *   `version` = the commune's change sequence number at its last write.
 *   Deletes leave a tombstone (`deleted: true`). The change log *is* that
 *   table ordered by version; a pull asks for everything after a cursor.
 * - Conflicts are decided by hub order only: a mutation carries the version
 *   it was based on; if the hub's version moved on, the mutation is rejected
 *   with the current record, and the user decides. Client clocks decide nothing.
 * - Pushes are idempotent: (deviceId, mutationId) is applied at most once and
 *   the stored result is answered again on a retry.
 */
export const PROTOCOL_VERSION = 1;

/**
 * Largest record a PC may push (its JSON text): a demand or an act is a few kilobytes; the cap keeps one
 * crafted record from bloating every pull of its collectivité. Whole lists travel as commands, not records.
 */
export const MAX_RECORD_BYTES = 256 * 1024;
/** A pull or snapshot page stops adding records past this many bytes of data (at least one record per page). */
export const PAGE_BYTE_BUDGET = 8 * 1024 * 1024;
export const PROTOCOL_HEADER = 'x-guichet-protocol';
export const CLIENT_SCHEMA_HEADER = 'x-guichet-client-schema';

/**
 * A collection's full name (`domain.name`). Generic sync code never lists the collections: the
 * registry built in the composition roots (shared/domains.ts) knows them.
 */
export type CollectionName = string;

/**
 * A collection's full name on the wire (`domain.name`), in mutations and answers. Not the enum
 * of known collections: a PC must keep syncing when its hub carries a domain
 * it does not know yet (it skips those records).
 */
const answerCollectionSchema = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[a-z][a-z0-9_-]*\.[a-z][a-z0-9_-]*$/);

/** A record as the hub stores and sends it. `data` is null on tombstones (its schema is the collection's, checked by the receiver). */
export const syncRecordSchema = z.object({
  // Any well-formed name passes: the replica skips a collection it does not hold.
  collection: answerCollectionSchema,
  id: z.string().max(100),
  version: z.number().int().nonnegative(),
  deleted: z.boolean(),
  data: z.unknown(),
});
export type SyncRecord = z.infer<typeof syncRecordSchema>;

const mutationBase = {
  /** Monotonic per device, starting at 1; never reused, even after a resync. */
  mutationId: z.number().int().positive(),
};

export const upsertMutationSchema = z.object({
  ...mutationBase,
  kind: z.literal('upsert'),
  collection: answerCollectionSchema,
  recordId: z.string().min(1).max(100),
  /** Version the change was based on; null when the client creates the record. */
  baseVersion: z.number().int().nonnegative().nullable(),
  data: z.unknown(),
});

export const deleteMutationSchema = z.object({
  ...mutationBase,
  kind: z.literal('delete'),
  collection: answerCollectionSchema,
  recordId: z.string().min(1).max(100),
  baseVersion: z.number().int().nonnegative(),
});

/**
 * A domain command the hub applies as a whole (e.g. a full electoral import).
 * `name` selects the hub handler; the payload is validated there.
 */
export const commandMutationSchema = z.object({
  ...mutationBase,
  kind: z.literal('command'),
  name: z.string().min(1).max(100),
  payload: z.unknown(),
});

export const mutationSchema = z.discriminatedUnion('kind', [upsertMutationSchema, deleteMutationSchema, commandMutationSchema]);
export type Mutation = z.infer<typeof mutationSchema>;

export const pushRequestSchema = z.object({
  mutations: z.array(mutationSchema).min(1).max(500),
});
export type PushRequest = z.infer<typeof pushRequestSchema>;

export const pushResultSchema = z.discriminatedUnion('status', [
  z.object({
    mutationId: z.number().int().positive(),
    /** Records written, with their new versions. */
    status: z.literal('applied'),
    versions: z
      .array(z.object({ collection: answerCollectionSchema, id: z.string().max(100), version: z.number().int().nonnegative() }))
      .max(200_000),
  }),
  z.object({
    mutationId: z.number().int().positive(),
    status: z.literal('rejected'),
    reason: z.object({ code: z.string().max(100), message: z.string().max(2000), detail: z.string().max(2000).optional() }),
    /** The record as the hub holds it, when the change was based on an outdated version. */
    current: syncRecordSchema.nullable().optional(),
  }),
]);
export type PushResult = z.infer<typeof pushResultSchema>;

export const pushResponseSchema = z.object({
  /** One per mutation, in the order sent. */
  results: z.array(pushResultSchema).max(500),
});
export type PushResponse = z.infer<typeof pushResponseSchema>;

export const pullResponseSchema = z.object({
  epoch: z.string().max(100),
  changes: z.array(syncRecordSchema).max(5000),
  /** Pass back as `cursor` next time. */
  cursor: z.number().int().nonnegative(),
  hasMore: z.boolean(),
});
export type PullResponse = z.infer<typeof pullResponseSchema>;

export const snapshotResponseSchema = z.object({
  epoch: z.string().max(100),
  /** Cursor to pull from once every page is in (taken when the first page was read). */
  asOf: z.number().int().nonnegative(),
  /** Every record of the page; with `format=columns`, only those that did not fit a block (tombstones, other shapes). */
  records: z.array(syncRecordSchema).max(10_000),
  /** With `format=columns` (shared/sync/columns.ts): the page's records by collection, as columns. Absent otherwise. */
  blocks: z.array(recordBlockSchema).max(100).optional(),
  /** Opaque key to ask the next page, null on the last. */
  next: z.string().max(1000).nullable(),
});
export type SnapshotResponse = z.infer<typeof snapshotResponseSchema>;

export const pullQuerySchema = z.object({
  /** The epoch the cursor belongs to; another epoch answers 409 resync_required. */
  epoch: z.string().max(100).optional(),
  cursor: z.coerce.number<number>().int().nonnegative().default(0),
  limit: z.coerce.number<number>().int().min(1).max(5000).default(2000),
});

export const snapshotQuerySchema = z.object({
  /** Cursor value of the first page (`asOf`), so every page reads the same epoch. */
  asOf: z.coerce.number<number>().int().nonnegative().optional(),
  after: z.string().max(1000).optional(),
  limit: z.coerce.number<number>().int().min(1).max(10000).default(5000),
  /**
   * `columns`: the compact encoding (shared/sync/columns.ts). PCs before it send nothing and get plain
   * records; a hub before it ignores the field and answers plain records, which such a PC still reads.
   */
  format: z.enum(['records', 'columns']).default('records'),
});

/** Tombstones older than this are purged; a cursor older than the purge horizon must resync. */
export const TOMBSTONE_RETENTION_DAYS = 90;

/** Fail-safe: a pull that would delete more than this share of a table's local rows stops and asks. */
export const MASS_DELETION_RATIO = 0.5;
/** ...but only for tables with at least this many rows (deleting 1 of 1 is ordinary). */
export const MASS_DELETION_MIN_ROWS = 10;
