import type { Kysely, Selectable, Transaction } from 'kysely';
import { isPostgres, nowIso, toCount } from '../db/dialect.js';
import type { HubDatabase } from '../db/schema.js';
import type { ActesTransmissionsTable, TransmissionState } from './tables.js';

/**
 * The state changes of `actes_transmissions` the forwarder makes, one named
 * transition each (the state diagram is in forwarder.ts). Every transition is
 * a conditional UPDATE … WHERE state = <expected> (and, for a claimed row, the
 * claimer): two hub instances on one PostgreSQL never both build or both send
 * a row, and a transition that lost its race changes nothing. On PostgreSQL a
 * claim also takes the row with FOR UPDATE SKIP LOCKED: an instance that finds
 * the row locked by the other one's claim gives it up at once instead of
 * queueing behind that lock (then re-checking a state that has moved on).
 * SQLite serves one hub process only (one file, one writer): there the
 * conditional UPDATE alone is the claim.
 */
export type TransmissionRow = Selectable<ActesTransmissionsTable>;

/** The message shown while an interrupted send waits for the prefecture's answer. */
export const INTERRUPTED_SEND = "Envoi interrompu : en attente de l'accusé de réception de la préfecture avant tout nouvel envoi.";

const updated = (res: { numUpdatedRows: bigint }) => Number(res.numUpdatedRows);

export interface TransmissionsStore {
  /** Rows due in `state` (`queued` to build, `built` to send), oldest first. */
  due(state: 'queued' | 'built', limit: number): Promise<TransmissionRow[]>;
  /** Next envelope serial of the commune (each archive has its own, kept across resends). */
  allocateSerial(communeId: string): Promise<number>;

  // ---- recovery of rows abandoned by a dead or hung instance ----
  /** building → queued: the builder's lease expired; nothing was sent. Answers how many moved. */
  requeueAbandonedBuilds(claimedBefore: string): Promise<number>;
  /** sending → uncertain: the sender's lease expired mid-POST; the ministry may have the archive. */
  parkAbandonedSends(claimedBefore: string): Promise<number>;
  /** uncertain → built: no answer from the prefecture since then; the same archive goes again. */
  resendUnanswered(uncertainBefore: string): Promise<number>;

  // ---- building ----
  /** queued → building, claimed by this instance. */
  claimBuild(row: TransmissionRow): Promise<boolean>;
  /** building (ours) → built, with the archive every later attempt sends as is. */
  storeArchive(row: TransmissionRow, archive: { serial: number; name: string; bytes: Uint8Array }): Promise<boolean>;
  /** building → queued, built again after `retryAt` (a passing failure: database, xmllint…). */
  retryBuild(row: TransmissionRow, serial: number, retryAt: string): Promise<void>;
  /** building → failed: the transmission can never be built (`error` is French, for the user). */
  failBuild(row: TransmissionRow, serial: number, error: string): Promise<void>;

  // ---- sending ----
  /** built: wait for the next flow-control window. */
  postpone(row: TransmissionRow, until: string): Promise<void>;
  /** built → sending, claimed by this instance, one more attempt counted. */
  claimSend(row: TransmissionRow): Promise<boolean>;
  /** sending → failed: the platform refused the archive for good. */
  failSend(row: TransmissionRow, error: string): Promise<void>;
  /** sending → uncertain: the body left but no answer came; wait for the prefecture before any resend. */
  parkUncertain(row: TransmissionRow, error: string): Promise<void>;
  /** sending → built: not delivered; sent again after `retryAt`. */
  retrySend(row: TransmissionRow, error: string, retryAt: string): Promise<void>;
  /** sending|uncertain → transmis, in the caller's transaction (with the act's status change). */
  markSent(trx: Transaction<HubDatabase>, row: TransmissionRow): Promise<void>;
}

export function createTransmissionsStore(db: Kysely<HubDatabase>, instance: string): TransmissionsStore {
  const table = () => db.updateTable('actes_transmissions');
  const pg = isPostgres(db);

  async function claim(row: TransmissionRow, from: TransmissionState, to: TransmissionState, attempts?: number): Promise<boolean> {
    const now = nowIso();
    let q = table()
      .set({ state: to, claimed_by: instance, claimed_at: now, updated_at: now, ...(attempts === undefined ? {} : { attempts }) })
      .where('id', '=', row.id)
      .where('state', '=', from);
    if (pg)
      q = q.where('id', 'in', (eb) =>
        eb.selectFrom('actes_transmissions').select('id').where('id', '=', row.id).where('state', '=', from).forUpdate().skipLocked(),
      );
    const res = await q.executeTakeFirst();
    return updated(res) === 1;
  }

  return {
    due: (state, limit) =>
      db
        .selectFrom('actes_transmissions')
        .selectAll()
        .where('state', '=', state)
        .where('next_attempt_at', '<=', nowIso())
        .orderBy('created_at')
        .limit(limit)
        .execute(),

    allocateSerial: (communeId) =>
      db.transaction().execute(async (trx) => {
        await trx
          .insertInto('actes_envelope_serials')
          .values({ commune_id: communeId, last_serial: 0 })
          .onConflict((oc) => oc.column('commune_id').doNothing())
          .execute();
        const r = await trx
          .updateTable('actes_envelope_serials')
          .set((eb) => ({ last_serial: eb('last_serial', '+', 1) }))
          .where('commune_id', '=', communeId)
          .returning('last_serial')
          .executeTakeFirstOrThrow();
        return toCount(r.last_serial);
      }),

    async requeueAbandonedBuilds(claimedBefore) {
      const res = await table()
        .set({ state: 'queued', claimed_by: null, claimed_at: null, updated_at: nowIso() })
        .where('state', '=', 'building')
        .where('claimed_at', '<', claimedBefore)
        .executeTakeFirst();
      return updated(res);
    },

    async parkAbandonedSends(claimedBefore) {
      const now = nowIso();
      const res = await table()
        .set({ state: 'uncertain', uncertain_since: now, claimed_by: null, updated_at: now, error: INTERRUPTED_SEND })
        .where('state', '=', 'sending')
        .where('claimed_at', '<', claimedBefore)
        .executeTakeFirst();
      return updated(res);
    },

    async resendUnanswered(uncertainBefore) {
      const now = nowIso();
      const res = await table()
        .set({ state: 'built', next_attempt_at: now, updated_at: now })
        .where('state', '=', 'uncertain')
        .where('uncertain_since', '<', uncertainBefore)
        .executeTakeFirst();
      return updated(res);
    },

    claimBuild: (row) => claim(row, 'queued', 'building'),

    async storeArchive(row, archive) {
      const now = nowIso();
      const res = await table()
        .set({
          state: 'built',
          serial: archive.serial,
          archive_name: archive.name,
          archive: archive.bytes,
          archive_size: archive.bytes.byteLength,
          claimed_by: null,
          next_attempt_at: now,
          updated_at: now,
          error: null,
        })
        .where('id', '=', row.id)
        .where('state', '=', 'building')
        .where('claimed_by', '=', instance)
        .executeTakeFirst();
      return updated(res) === 1;
    },

    async retryBuild(row, serial, retryAt) {
      await table()
        .set({ state: 'queued', serial, claimed_by: null, next_attempt_at: retryAt, updated_at: nowIso() })
        .where('id', '=', row.id)
        .where('state', '=', 'building')
        .execute();
    },

    async failBuild(row, serial, error) {
      await table()
        .set({ state: 'failed', serial, claimed_by: null, error, updated_at: nowIso() })
        .where('id', '=', row.id)
        .where('state', '=', 'building')
        .execute();
    },

    async postpone(row, until) {
      await table().set({ next_attempt_at: until, updated_at: nowIso() }).where('id', '=', row.id).where('state', '=', 'built').execute();
    },

    claimSend: (row) => claim(row, 'built', 'sending', row.attempts + 1),

    async failSend(row, error) {
      await table()
        .set({ state: 'failed', claimed_by: null, error, updated_at: nowIso() })
        .where('id', '=', row.id)
        .where('state', '=', 'sending')
        .execute();
    },

    async parkUncertain(row, error) {
      const now = nowIso();
      await table()
        .set({ state: 'uncertain', uncertain_since: now, claimed_by: null, error, updated_at: now })
        .where('id', '=', row.id)
        .where('state', '=', 'sending')
        .execute();
    },

    async retrySend(row, error, retryAt) {
      await table()
        .set({ state: 'built', claimed_by: null, error, next_attempt_at: retryAt, updated_at: nowIso() })
        .where('id', '=', row.id)
        .where('state', '=', 'sending')
        .execute();
    },

    async markSent(trx, row) {
      const now = nowIso();
      await trx
        .updateTable('actes_transmissions')
        .set({ state: 'transmis', claimed_by: null, sent_at: now, error: null, updated_at: now })
        .where('id', '=', row.id)
        .where('state', 'in', ['sending', 'uncertain'])
        .execute();
    },
  };
}

// ---- transitions made by the prefecture's answers (returns.ts) ----

type Db = Kysely<HubDatabase> | Transaction<HubDatabase>;
/** Rows that may have reached @CTES: an answer about them proves they did. */
const MAYBE_DELIVERED: TransmissionState[] = ['built', 'sending', 'uncertain'];

/** built|sending|uncertain → transmis: the prefecture answered about the act (or the commune's request), so it was received. */
export async function settleAnswered(db: Db, p: { communeId: string; actId: string | null; kind: TransmissionRow['kind'] }): Promise<void> {
  let q = db
    .updateTable('actes_transmissions')
    .set({ state: 'transmis', claimed_by: null, updated_at: nowIso() })
    .where('commune_id', '=', p.communeId)
    .where('kind', '=', p.kind)
    .where('state', 'in', MAYBE_DELIVERED);
  q = p.actId === null ? q.where('act_id', 'is', null) : q.where('act_id', '=', p.actId);
  await q.execute();
}

/** built|sending|uncertain → transmis for every classification request: the 7-2 answer came. */
export async function settleClassificationRequests(db: Db): Promise<void> {
  await db
    .updateTable('actes_transmissions')
    .set({ state: 'transmis', updated_at: nowIso() })
    .where('kind', '=', 'classification')
    .where('state', 'in', MAYBE_DELIVERED)
    .execute();
}

/** → failed: the prefecture refused the envelope (AnomalieEnveloppe); `error` is French, for the user. */
export async function failRefusedEnvelope(db: Db, id: string, error: string): Promise<void> {
  await db
    .updateTable('actes_transmissions')
    .set({ state: 'failed', error, updated_at: nowIso() })
    .where('id', '=', id)
    .where('state', '!=', 'failed')
    .execute();
}

// ---- transitions made by the département's staff (console, `guichet hub admin actes …`) ----

/** States from which the prefecture may hold (or holds) the transmission: a second one must not start beside them. */
const IN_FLIGHT_OR_RECEIVED: TransmissionState[] = ['queued', 'building', 'built', 'sending', 'uncertain', 'transmis'];

export type OperatorRefusal = 'not_found' | 'wrong_state' | 'received' | 'sibling';

/**
 * Requeue a transmission by hand, never sending twice what the prefecture received:
 * - `uncertain` → `built`: the SAME archive goes now (@CTES knows an archive it already has by its
 *   envelope and act number, exactly as the forwarder's own resend after `uncertainWaitMs`);
 * - `failed` → `queued`: built afresh (new envelope serial) — only if the prefecture never
 *   acknowledged it (no `id_acte`) and no other transmission of the same act and kind is in flight
 *   or received. The answer says why it refused.
 */
export async function requeueByOperator(
  trx: Transaction<HubDatabase>,
  id: string,
): Promise<{ ok: true; row: TransmissionRow; from: TransmissionState } | { ok: false; refusal: OperatorRefusal }> {
  const row = await trx.selectFrom('actes_transmissions').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) return { ok: false, refusal: 'not_found' };
  const now = nowIso();
  if (row.state === 'uncertain') {
    const res = await trx
      .updateTable('actes_transmissions')
      .set({ state: 'built', next_attempt_at: now, claimed_by: null, updated_at: now })
      .where('id', '=', id)
      .where('state', '=', 'uncertain')
      .executeTakeFirst();
    return updated(res) === 1 ? { ok: true, row, from: 'uncertain' } : { ok: false, refusal: 'wrong_state' };
  }
  if (row.state !== 'failed') return { ok: false, refusal: 'wrong_state' };
  if (row.id_acte !== null) return { ok: false, refusal: 'received' };
  // A classification request names no act and may be asked again at will; an act's transmission must be alone.
  if (row.act_id !== null) {
    const sibling = await trx
      .selectFrom('actes_transmissions')
      .select('id')
      .where('commune_id', '=', row.commune_id)
      .where('kind', '=', row.kind)
      .where('act_id', '=', row.act_id)
      .where('id', '!=', row.id)
      .where('state', 'in', IN_FLIGHT_OR_RECEIVED)
      .executeTakeFirst();
    if (sibling) return { ok: false, refusal: 'sibling' };
  }
  const res = await trx
    .updateTable('actes_transmissions')
    .set({
      state: 'queued',
      serial: null,
      archive: null,
      archive_name: null,
      archive_size: null,
      attempts: 0,
      error: null,
      claimed_by: null,
      claimed_at: null,
      uncertain_since: null,
      next_attempt_at: now,
      updated_at: now,
    })
    .where('id', '=', id)
    .where('state', '=', 'failed')
    .where('id_acte', 'is', null)
    .executeTakeFirst();
  return updated(res) === 1 ? { ok: true, row, from: 'failed' } : { ok: false, refusal: 'wrong_state' };
}

/**
 * Settle an `uncertain` transmission by hand, once the agent has checked on the @CTES platform:
 * `transmis` (it is there: never send it again) or `failed` (it is not: then it may be requeued).
 */
export async function resolveByOperator(
  trx: Transaction<HubDatabase>,
  id: string,
  outcome: 'transmis' | 'failed',
  error: string,
): Promise<{ ok: true; row: TransmissionRow } | { ok: false; refusal: OperatorRefusal }> {
  const row = await trx.selectFrom('actes_transmissions').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) return { ok: false, refusal: 'not_found' };
  const now = nowIso();
  const res = await trx
    .updateTable('actes_transmissions')
    .set(
      outcome === 'transmis'
        ? { state: 'transmis', claimed_by: null, sent_at: row.sent_at ?? now, error: null, updated_at: now }
        : { state: 'failed', claimed_by: null, error, updated_at: now },
    )
    .where('id', '=', id)
    .where('state', '=', 'uncertain')
    .executeTakeFirst();
  return updated(res) === 1 ? { ok: true, row } : { ok: false, refusal: 'wrong_state' };
}
