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

/**
 * Applies a command whose payload already parsed with the declared schema.
 * Throw a GuichetError to reject: nothing written by the command is kept, the rejection is.
 * (`P = never` lets a map hold handlers of different payloads; the push passes the parsed payload.)
 */
export type CommandHandler<P = never> = (ctx: CommandContext, payload: P) => Promise<CommandOutcome>;
