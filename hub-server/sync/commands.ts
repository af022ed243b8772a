import type { Transaction } from 'kysely';
import type { HubDatabase } from '../db/schema.js';
import type { RecordWrite, StoredRecord, WrittenVersion } from './store.js';

/**
 * Domain commands a client pushes as one mutation (`kind: 'command'`), applied
 * by the hub as a whole inside the mutation's transaction (commune locked).
 * The command's permission and payload schema are in its domain's shared
 * declaration (checked by the push before the handler runs); its handler is
 * the domain's (hub-server/<domain>/), handed to the sync by the app.
 */
export interface CommandContext {
  trx: Transaction<HubDatabase>;
  communeId: string;
  userId: string;
  deviceId: string;
  role: string;
  /** Upsert one record (`data` is stored as JSON) or write a tombstone (`null`); answers the new version. */
  writeRecord(collection: string, id: string, data: unknown | null): Promise<number>;
  /** Batch form for large writes; `json` is the exact text stored (null = tombstone). */
  writeRecords(collection: string, writes: readonly RecordWrite[]): Promise<WrittenVersion[]>;
  /** Every record of the collection for this commune, tombstones included. */
  readAll(collection: string): Promise<StoredRecord[]>;
}

export interface CommandOutcome {
  /** Reported to the client in the push result (keep it short: not every record of a large import). */
  versions: WrittenVersion[];
  /** Counts for the log (never personal data). */
  summary?: Record<string, number>;
}

/** What a command's preparation may do outside the transaction: read (in pages) and give the event loop a turn. */
export interface PrepareContext {
  communeId: string;
  /** Every record of the collection for this commune, tombstones included, read in pages. */
  readAll(collection: string): Promise<StoredRecord[]>;
  /**
   * Let other requests run once the current time slice is used up (sync/time-slices.ts): call it between small
   * units of CPU work (an element); null while the slice lasts (nothing to await).
   */
  pause(): Promise<void> | null;
}

/**
 * A large command worked out ahead of its transaction (the diff of an import): its big writes, in order, and the
 * small rest. The push stages the writes while other requests go on; the transaction lands them in one statement
 * each, then runs `finish`. If a record of `reads` changed in between, the transaction applies the command the
 * plain way instead, so the result is the one the plain handler would give.
 */
export interface PreparedCommand {
  reads: readonly string[];
  writes: ReadonlyArray<{ collection: string; writes: readonly RecordWrite[] }>;
  finish(ctx: CommandContext): Promise<CommandOutcome>;
}

/**
 * Applies a command whose payload already parsed with the declared schema.
 * Throw a GuichetError to reject: nothing written by the command is kept, the rejection is.
 * (`P = never` lets a map hold handlers of different payloads; the push passes the parsed payload.)
 * `prepare`, for commands whose work is large: the same outcome, computed outside the transaction
 * (a refusal there makes the push apply the plain handler, which judges again under the lock).
 */
export type CommandHandler<P = never> = ((ctx: CommandContext, payload: P) => Promise<CommandOutcome>) & {
  prepare?: (ctx: PrepareContext, payload: P) => Promise<PreparedCommand>;
};
