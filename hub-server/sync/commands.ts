import type { Transaction } from 'kysely';
import type { z } from 'zod';
import type { CommuneRole, Permission, Service } from '../../shared/accounts/roles.js';
import type { CollectionName } from '../../shared/sync/protocol.js';
import type { HubDatabase } from '../db/schema.js';
import type { RecordWrite, StoredRecord, WrittenVersion } from './store.js';

/**
 * Domain commands a client pushes as one mutation (`kind: 'command'`), applied
 * by the hub as a whole inside the mutation's transaction (commune locked).
 */
export interface CommandContext {
  trx: Transaction<HubDatabase>;
  communeId: string;
  userId: string;
  deviceId: string;
  role: CommuneRole;
  /** Upsert one record (`data` is stored as JSON) or write a tombstone (`null`); answers the new version. */
  writeRecord(collection: CollectionName, id: string, data: unknown | null): Promise<number>;
  /** Batch form for large writes; `json` is the exact text stored (null = tombstone). */
  writeRecords(collection: CollectionName, writes: readonly RecordWrite[]): Promise<WrittenVersion[]>;
  /** Every record of the collection for this commune, tombstones included. */
  readAll(collection: CollectionName): Promise<StoredRecord[]>;
}

export interface CommandOutcome {
  /** Reported to the client in the push result (keep it short: not every record of a large import). */
  versions: WrittenVersion[];
  /** Counts for the log (never personal data). */
  summary?: Record<string, number>;
}

export interface CommandSpec<P = unknown> {
  name: string;
  service: Service;
  permission: Permission;
  payloadSchema: z.ZodType<P>;
  /** Throw a GuichetError to reject: nothing written by the command is kept, the rejection is. */
  apply(ctx: CommandContext, payload: P): Promise<CommandOutcome>;
}

const registry = new Map<string, CommandSpec<unknown>>();

export function registerCommand<P>(spec: CommandSpec<P>): void {
  const existing = registry.get(spec.name);
  if (existing && existing !== spec) throw new Error(`sync command ${spec.name} registered twice`);
  registry.set(spec.name, spec);
}

export function findCommand(name: string): CommandSpec<unknown> | undefined {
  return registry.get(name);
}
