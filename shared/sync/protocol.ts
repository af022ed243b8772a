import { z } from 'zod';
import type { Permission, Service } from '../accounts/roles.js';

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
export const PROTOCOL_HEADER = 'x-guichet-protocol';
export const CLIENT_SCHEMA_HEADER = 'x-guichet-client-schema';

export interface CollectionSpec {
  service: Service;
  /** Needed to receive the collection at all (personal data stays off devices of roles without it). */
  read: Permission;
  /** Needed to push upserts/deletes; `null` = written by the hub only (e.g. by an import command). */
  write: Permission | null;
}

export const COLLECTIONS = {
  'electoral.electors': { service: 'electoral', read: 'electoral.read', write: null },
  'electoral.demands': { service: 'electoral', read: 'electoral.read', write: 'electoral.demand' },
  'electoral.imports': { service: 'electoral', read: 'electoral.read', write: null },
  // Legality control (shared/acts/records.ts): the commune writes acts, the hub writes their status.
  'acts.acts': { service: 'acts', read: 'acts.read', write: 'acts.draft' },
  'acts.status': { service: 'acts', read: 'acts.read', write: null },
  'acts.classification': { service: 'acts', read: 'acts.read', write: null },
} as const satisfies Record<string, CollectionSpec>;
export type CollectionName = keyof typeof COLLECTIONS;
export const COLLECTION_NAMES = Object.keys(COLLECTIONS) as CollectionName[];

export const collectionNameSchema = z.enum(COLLECTION_NAMES as [CollectionName, ...CollectionName[]]);

/** A record as the hub stores and sends it. `data` is null on tombstones. */
export interface SyncRecord {
  collection: CollectionName;
  id: string;
  version: number;
  deleted: boolean;
  data: unknown | null;
}

const mutationBase = {
  /** Monotonic per device, starting at 1; never reused, even after a resync. */
  mutationId: z.number().int().positive(),
};

export const upsertMutationSchema = z.object({
  ...mutationBase,
  kind: z.literal('upsert'),
  collection: collectionNameSchema,
  recordId: z.string().min(1).max(100),
  /** Version the change was based on; null when the client creates the record. */
  baseVersion: z.number().int().nonnegative().nullable(),
  data: z.unknown(),
});

export const deleteMutationSchema = z.object({
  ...mutationBase,
  kind: z.literal('delete'),
  collection: collectionNameSchema,
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

export type PushResult =
  | {
      mutationId: number;
      status: 'applied' /** records written, with their new versions */;
      versions: { collection: CollectionName; id: string; version: number }[];
    }
  | { mutationId: number; status: 'rejected'; reason: { code: string; message: string; detail?: string }; current?: SyncRecord | null };

export interface PushResponse {
  results: PushResult[];
}

export interface PullResponse {
  epoch: string;
  changes: SyncRecord[];
  /** Pass back as `cursor` next time. */
  cursor: number;
  hasMore: boolean;
}

export interface SnapshotResponse {
  epoch: string;
  /** Cursor to pull from once every page is in (taken when the first page was read). */
  asOf: number;
  records: SyncRecord[];
  /** Opaque key to ask the next page, null on the last. */
  next: string | null;
}

export const pullQuerySchema = z.object({
  epoch: z.string().optional(),
  cursor: z.coerce.number().int().nonnegative().default(0),
  limit: z.coerce.number().int().min(1).max(5000).default(2000),
});

export const snapshotQuerySchema = z.object({
  /** Cursor value of the first page (`asOf`), so every page reads the same epoch. */
  asOf: z.coerce.number().int().nonnegative().optional(),
  after: z.string().optional(),
  limit: z.coerce.number().int().min(1).max(10000).default(5000),
});

/** Tombstones older than this are purged; a cursor older than the purge horizon must resync. */
export const TOMBSTONE_RETENTION_DAYS = 90;

/** Fail-safe: a pull that would delete more than this share of a table's local rows stops and asks. */
export const MASS_DELETION_RATIO = 0.5;
/** ...but only for tables with at least this many rows (deleting 1 of 1 is ordinary). */
export const MASS_DELETION_MIN_ROWS = 10;
