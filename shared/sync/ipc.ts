import { z } from 'zod';
import type { ChannelSpec, InputSchemas } from '../api/channel.js';
import type { ErrorBody } from '../errors.js';
import type { CollectionName } from './protocol.js';

/** A queued change the hub refused; it stays until the user acts on it. */
export interface RejectedChange {
  mutationId: number;
  collection: CollectionName | null;
  recordId: string | null;
  /** Plain-French summary of what was attempted, e.g. "Demande d'inscription (création)". */
  summary: string;
  reason: ErrorBody;
}

export interface MassDeletionPending {
  collection: CollectionName;
  localCount: number;
  toDelete: number;
}

export interface SyncState {
  online: boolean;
  phase: 'idle' | 'pushing' | 'pulling' | 'snapshot' | 'blocked';
  /** Changes made on this PC not yet acknowledged by the hub. */
  pending: number;
  lastSuccessAt: string | null;
  lastError: ErrorBody | null;
  /** Set when a pull would delete more than half of a table: sync waits for the user. */
  massDeletion: MassDeletionPending | null;
  rejected: RejectedChange[];
}

export interface SyncChannels {
  'sync:state': ChannelSpec<null, SyncState>;
  'sync:now': ChannelSpec<null, SyncState>;
  'sync:confirm-mass-deletion': ChannelSpec<{ accept: boolean }, SyncState>;
  'sync:dismiss-rejected': ChannelSpec<{ mutationId: number }, SyncState>;
}

export const syncInputs: InputSchemas<SyncChannels> = {
  'sync:state': z.null(),
  'sync:now': z.null(),
  'sync:confirm-mass-deletion': z.object({ accept: z.boolean() }),
  'sync:dismiss-rejected': z.object({ mutationId: z.number().int().positive() }),
};

export interface SyncEvents {
  'sync:state': SyncState;
}
