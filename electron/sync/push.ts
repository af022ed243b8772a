import type Database from 'better-sqlite3';
import type { Logger } from 'pino';
import { GuichetError } from '../../shared/errors.js';
import type { PushResponse, PushResult } from '../../shared/sync/protocol.js';
import type { HubClient } from '../hub-client/hub-client.js';
import { toMutation, type QueuedChange, type SyncOutbox } from './outbox.js';
import type { LocalReplica } from './replica.js';
import type { SyncStore } from './sync-store.js';

export interface PusherOptions {
  db: Database.Database;
  store: SyncStore;
  outbox: SyncOutbox;
  replica: LocalReplica;
  log: Logger;
  now: () => Date;
  batchSize: number;
}

/**
 * Sends the outbox in order and records each answer. An answer is recorded
 * (outbox row removed, refusal stored, local row corrected) in one transaction
 * per batch: dying before it commits means the batch is sent again and the hub
 * answers its stored results (idempotent), so nothing is applied twice.
 */
export function createPusher(options: PusherOptions): (hub: HubClient) => Promise<void> {
  const { db, store, outbox, log, batchSize } = options;
  const recordAnswers = createAnswerRecorder(options);

  return async function pushAll(hub) {
    let size = batchSize;
    for (;;) {
      const batch = nextBatch(outbox, size);
      if (batch.length === 0) return;
      outbox.markSent(batch.map((c) => c.mutationId));
      let response: PushResponse;
      try {
        response = await hub.push({ mutations: batch.map(toMutation) });
      } catch (err) {
        if (!isMalformedPush(err)) throw err;
        // One bad change must not wedge the queue forever: find it by sending one at a time...
        if (batch.length > 1) {
          log.warn({ detail: err.detail, batch: batch.length }, 'push refused as a whole: isolating the change');
          size = 1;
          continue;
        }
        // ...then settle it as refused. Its local effect is unknown to the hub: lay the hub's copy again.
        log.warn({ mutationId: batch[0].mutationId, detail: err.detail }, 'change refused as malformed');
        db.transaction(() => {
          recordAnswers(batch, [{ mutationId: batch[0].mutationId, status: 'rejected', reason: err.toBody() }], { keepLocal: true });
          store.setSnapshotForced(true);
        })();
        size = batchSize;
        continue;
      }
      const settled = recordAnswers(batch, response.results);
      log.debug({ sent: batch.length, settled }, 'push answered');
      if (settled === 0)
        throw new GuichetError(
          'internal',
          'Le hub a répondu sans traiter les modifications envoyées.',
          `push of ${batch.length} got no matching result`,
        );
    }
  };
}

/** Longest prefix of the queue with at most one change per record: a second change to a record is rebased on the first's answer. */
export function nextBatch(outbox: Pick<SyncOutbox, 'list'>, size: number): QueuedChange[] {
  const batch: QueuedChange[] = [];
  const seen = new Set<string>();
  for (const change of outbox.list(size)) {
    const e = change.entry;
    if (e.kind !== 'command') {
      const key = `${e.collection}\u0000${e.recordId}`;
      if (seen.has(key)) break;
      seen.add(key);
    }
    batch.push(change);
  }
  return batch;
}

/** Whole-request refusals that one malformed change can cause (the hub could not even read the batch). */
const isMalformedPush = (err: unknown): err is GuichetError =>
  err instanceof GuichetError && (err.code === 'bad_request' || err.code === 'invalid_input');

type RecordAnswers = (batch: QueuedChange[], results: PushResult[], opts?: { keepLocal?: boolean }) => number;

/** One transaction per answered batch; answers the number of changes settled. */
function createAnswerRecorder({ db, store, outbox, replica, log, now }: PusherOptions): RecordAnswers {
  /** The hub took the change: later local edits of the record are rebased on its version, or the row takes it. */
  function settleApplied(change: QueuedChange, result: PushResult): void {
    const e = change.entry;
    if (e.kind === 'command') return;
    const written =
      result.status === 'applied'
        ? result.versions.find((v) => v.collection === e.collection && v.id === e.recordId)
        : { collection: e.collection, id: e.recordId, version: result.current!.version };
    if (!written) return;
    const later = outbox.entriesFor(e.collection, e.recordId);
    if (later.length > 0) {
      // Later local edits were made on top of this one: they are based on the version the hub just gave it.
      for (const next of later)
        if (next.entry.kind !== 'command') outbox.replaceEntry(next.mutationId, { ...next.entry, baseVersion: written.version });
      return;
    }
    // Give the local row the hub's version now, so the next edit is not refused as stale.
    replica.apply({
      collection: e.collection,
      id: e.recordId,
      version: written.version,
      deleted: e.kind === 'delete',
      data: e.kind === 'upsert' ? e.data : null,
    });
  }

  /** The hub refused the change: keep the reason for the user, and show the hub's truth where it can be shown. */
  function settleRejected(change: QueuedChange, result: Extract<PushResult, { status: 'rejected' }>, keepLocal: boolean): void {
    const e = change.entry;
    const isCommand = e.kind === 'command';
    store.rejected.add(
      {
        mutationId: change.mutationId,
        collection: isCommand ? null : e.collection,
        recordId: isCommand ? null : e.recordId,
        summary: change.summary,
        reason: result.reason,
      },
      now().toISOString(),
    );
    log.info({ mutationId: change.mutationId, code: result.reason.code }, 'change rejected by the hub');
    if (isCommand) {
      // A command's local effect (e.g. an import) cannot be undone record by record: lay the hub's copy again.
      store.setSnapshotForced(true);
    } else if (!keepLocal && outbox.entriesFor(e.collection, e.recordId).length === 0) {
      // Show the hub's truth instead of the refused optimistic row.
      replica.apply(result.current ?? { collection: e.collection, id: e.recordId, version: 0, deleted: true, data: null });
    }
  }

  return db.transaction((batch: QueuedChange[], results: PushResult[], opts: { keepLocal?: boolean } = {}) => {
    const byId = new Map(batch.map((c) => [c.mutationId, c]));
    let settled = 0;
    for (const result of results) {
      const change = byId.get(result.mutationId);
      if (!change) continue;
      settled++;
      outbox.remove(change.mutationId);
      if (result.status === 'applied' || alreadyThere(change, result)) settleApplied(change, result);
      else settleRejected(change, result, opts.keepLocal === true);
    }
    return settled;
  });
}

/**
 * A refusal whose "current" record is exactly what we sent means our change
 * did land, under another (device, mutation) key: e.g. sent, answer lost,
 * then re-sent after logging in again (new device). Not a conflict to show.
 */
export function alreadyThere(change: QueuedChange, result: PushResult): boolean {
  const e = change.entry;
  if (result.status !== 'rejected' || e.kind !== 'upsert' || !result.current || result.current.deleted) return false;
  if (result.reason.code !== 'conflict' && result.reason.code !== 'stale_version') return false;
  return canonicalJson(result.current.data) === canonicalJson(e.data);
}

/** JSON with object keys sorted, to compare records whatever the key order. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}
