import { randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { ActRecord } from '../../shared/acts/records.js';
import { actRecordSchema } from '../../shared/acts/records.js';
import { parisDay } from '../../shared/calendar.js';
import { GuichetError } from '../../shared/errors.js';
import { toCount } from '../db/dialect.js';
import type { HubDatabase } from '../db/schema.js';
import { readRecord } from '../sync/store.js';
import { buildTransmissionArchive } from './actes-format/archive.js';
import { buildActeMessage, buildAnnulationMessage, buildClassificationRequest, type OutgoingMessage } from './actes-format/build-acte.js';
import { buildAnswerMessage } from './actes-format/build-answers.js';
import type { TiersIdentity } from './actes-format/identities.js';
import { ActesSchemaError } from './actes-format/xsd-validate.js';
import { acteInputFromDraft } from './act-from-draft.js';
import { currentClassification } from './classification.js';
import { communeIdentity } from './commune-identity.js';
import { readCompleteFile } from '../files/store.js';
import type { TransmissionPayload } from './queue.js';
import { changeStatus, changeStatusInTrx, withState } from './status.js';
import { createTransmissionsStore, type TransmissionRow } from './transmissions-store.js';
import { postArchive, PostArchiveError, type MinistryEndpoint } from './transport/post-archive.js';

/**
 * The forwarding worker: queued transmissions → archive → POST to @CTES.
 *
 * Persisted states (actes_transmissions.state) and why each step is safe
 * to interrupt — "nothing lost, nothing sent twice":
 *
 *   queued ──claim──▶ building ──archive stored──▶ built ──claim──▶ sending ──201──▶ transmis
 *                       │ (lease expired: nothing was sent)  ▲         │
 *                       └──────────▶ queued                 │         ├─ refused before/without delivery ─▶ built (+backoff)
 *                                                           │         └─ body sent, no answer / lease expired ─▶ uncertain
 *                                              uncertain ───┘ (no AR within uncertainWaitMs: resend, SAME archive)
 *
 * - The archive, its name and its envelope serial are built and stored
 *   (state `built`) before any POST, so every later attempt sends the very
 *   same bytes under the very same name.
 * - `sending` is recorded before the POST. A row still `sending` after its
 *   lease (the hub died or hung mid-POST) may or may not have reached the
 *   ministry, so it is NOT re-POSTed: it becomes `uncertain` and waits for the
 *   prefecture's answer (ARActe, anomaly, ARAnnulation, 7-2…), which resolves
 *   it (returns.ts marks it `transmis`). Only when nothing came back for
 *   `uncertainWaitMs` is the same archive sent again: @CTES identifies an act
 *   by SIREN + NumeroInterne (its IDActe) and refuses a second one (reference
 *   §6, S²LOW refuses duplicates), so the resend cannot create a second act,
 *   at worst an AnomalieActe "déjà transmis", which returns.ts ignores for an
 *   act already acknowledged.
 * - Every claim is a conditional UPDATE … WHERE state = <expected> (the row
 *   also taken FOR UPDATE SKIP LOCKED on PostgreSQL), so two hub instances on
 *   one PostgreSQL never both build or both send a row (each transition is
 *   named in transmissions-store.ts; two-hubs.test.ts). SQLite: one instance.
 * - The status record and the row move to `transmis` in one transaction.
 */
export interface ActesForwarderOptions {
  db: Kysely<HubDatabase>;
  endpoint: MinistryEndpoint;
  tiers: TiersIdentity;
  log?: Logger;
  /** Flow control per window (default: one hour): archives and/or bytes. */
  maxPerHour?: { count?: number; bytes?: number };
  windowMs?: number;
  /** Idle poll interval (default 500 ms). */
  pollMs?: number;
  /** Backoff after a failed POST: base * 2^(attempts-1), capped (defaults 5 s, 1 h). */
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  /** How long an uncertain transmission waits for the prefecture's answer before a resend (default 24 h). */
  uncertainWaitMs?: number;
  /** A `sending` row older than this is considered abandoned (default: twice the POST timeout). */
  sendLeaseMs?: number;
  /** A `building` row older than this is rebuilt (default 2 min; harmless if too short: nothing is sent while building, and only the claimer may store its archive). */
  buildLeaseMs?: number;
  /** Rows handled in parallel per step (xmllint runs are batched across them). */
  batch?: number;
  /** Test hook: called at each step; fault injection kills the process there. */
  onStep?: (step: ForwarderStep, row: { id: string; actId: string | null }) => void | Promise<void>;
}

export type ForwarderStep = 'built' | 'before-post' | 'after-post' | 'after-record';

type Row = TransmissionRow;

export interface ActesForwarder {
  /** One pass: recover, build, send. Answers how many rows moved. */
  tick(): Promise<number>;
  /** Wake the loop now (e.g. right after a transmit command). */
  kick(): void;
  stop(): Promise<void>;
}

export function windowStart(now: number, windowMs: number): number {
  return Math.floor(now / windowMs) * windowMs;
}

export function startActesForwarder(opts: ActesForwarderOptions, autoStart = true): ActesForwarder {
  const { db } = opts;
  const instance = randomUUID();
  const windowMs = opts.windowMs ?? 3_600_000;
  const pollMs = opts.pollMs ?? 500;
  const backoffBase = opts.backoffBaseMs ?? 5_000;
  const backoffMax = opts.backoffMaxMs ?? 3_600_000;
  const uncertainWait = opts.uncertainWaitMs ?? 24 * 3_600_000;
  const sendLease = opts.sendLeaseMs ?? 2 * (opts.endpoint.timeoutMs ?? 180_000);
  const buildLease = opts.buildLeaseMs ?? 120_000;
  const batch = opts.batch ?? 16;
  const log = opts.log;
  const step = async (s: ForwarderStep, row: Row) => opts.onStep?.(s, { id: row.id, actId: row.act_id });
  const rows = createTransmissionsStore(db, instance);

  const ago = (ms: number) => new Date(Date.now() - ms).toISOString();

  async function recover(): Promise<number> {
    const requeued = await rows.requeueAbandonedBuilds(ago(buildLease));
    const parked = await rows.parkAbandonedSends(ago(sendLease));
    const resent = await rows.resendUnanswered(ago(uncertainWait));
    if (parked > 0) log?.warn({ rows: parked }, 'acts: interrupted sends parked as uncertain');
    return requeued + parked + resent;
  }

  async function readAct(row: Row): Promise<ActRecord> {
    const stored = row.act_id ? await readRecord(db, row.commune_id, 'acts.acts', row.act_id) : null;
    if (!stored?.json) throw new GuichetError('not_found', "L'acte a été supprimé avant sa transmission.", `act ${row.act_id}`);
    return actRecordSchema.parse(JSON.parse(stored.json));
  }

  async function fileBytes(communeId: string, sha256: string, name: string): Promise<Buffer> {
    const bytes = await readCompleteFile(db, communeId, 'acts', sha256);
    if (!bytes) throw new GuichetError('not_found', `Le fichier « ${name} » est introuvable sur le hub.`, `file ${sha256}`);
    return bytes;
  }

  async function messagesFor(row: Row, serial: number): Promise<OutgoingMessage[]> {
    const payload = JSON.parse(row.payload) as TransmissionPayload;
    const commune = await communeIdentity(db, row.commune_id);
    switch (payload.kind) {
      case 'acte': {
        // What the transmit command validated, never the record as edited since.
        const act = payload.act ? actRecordSchema.parse(payload.act) : await readAct(row);
        const files = {
          act: await fileBytes(row.commune_id, act.actFile!.sha256, act.actFile!.fileName),
          annexes: await Promise.all(act.annexFiles.map((f) => fileBytes(row.commune_id, f.sha256, f.fileName))),
        };
        return [
          buildActeMessage(
            acteInputFromDraft(act.draft, files, { commune, today: parisDay(new Date()), classification: await currentClassification(db) }),
          ),
        ];
      }
      case 'annulation':
        return [buildAnnulationMessage(payload.idActe)];
      case 'answer': {
        const documents = await Promise.all(
          payload.files.map(async (f) => ({ content: await fileBytes(row.commune_id, f.sha256, f.fileName), typology: payload.typology })),
        );
        return [buildAnswerMessage({ code: payload.code, idActe: payload.idActe, dateCourrierPref: payload.dateCourrierPref, documents })];
      }
      case 'classification':
        return [buildClassificationRequest({ commune, serial, dateClassification: payload.dateClassification })];
    }
  }

  async function build(row: Row): Promise<boolean> {
    if (!(await rows.claimBuild(row))) return false;
    const serial = row.serial ?? (await rows.allocateSerial(row.commune_id));
    try {
      const messages = await messagesFor(row, serial);
      const built = await buildTransmissionArchive({
        tiers: opts.tiers,
        commune: await communeIdentity(db, row.commune_id),
        date: parisDay(new Date()),
        serial,
        messages,
      });
      const stored = await rows.storeArchive(row, { serial, name: built.archiveName, bytes: built.archive });
      if (stored) await step('built', row);
      return true;
    } catch (err) {
      const permanent = err instanceof ActesSchemaError || err instanceof GuichetError;
      const message = err instanceof GuichetError ? err.message : "La transmission n'a pas pu être préparée.";
      log?.warn(
        { transmission: row.id, kind: row.kind, err: err instanceof GuichetError ? err.detail : String(err), permanent },
        'acts: build failed',
      );
      if (!permanent) {
        await rows.retryBuild(row, serial, new Date(Date.now() + backoffBase).toISOString());
        return true;
      }
      await rows.failBuild(row, serial, message);
      await markFailed(row, message);
      return true;
    }
  }

  async function markFailed(row: Row, message: string): Promise<void> {
    if (!row.act_id) return;
    const payload = JSON.parse(row.payload) as TransmissionPayload;
    await changeStatus(db, row.commune_id, row.act_id, (s) => {
      if (!s) return null;
      if (payload.kind === 'acte') return { ...withState(s, 'erreur', message), error: message };
      if (payload.kind === 'annulation') return { ...withState(s, 'acquitte', `Annulation non transmise : ${message}`), error: message };
      if (payload.kind === 'answer')
        return {
          ...s,
          error: message,
          letters: s.letters.map((l) => (l.id === payload.answerId ? { ...l, state: 'erreur' as const } : l)),
        };
      return null;
    });
  }

  /** Reserve room in the current window; answers false when the cap is reached. */
  async function reserveVolume(size: number): Promise<boolean> {
    const cap = opts.maxPerHour;
    if (!cap || (cap.count === undefined && cap.bytes === undefined)) return true;
    const start = new Date(windowStart(Date.now(), windowMs)).toISOString();
    await db
      .insertInto('actes_send_windows')
      .values({ window_start: start, bytes: 0, sent_count: 0 })
      .onConflict((oc) => oc.column('window_start').doNothing())
      .execute();
    let q = db
      .updateTable('actes_send_windows')
      .set((eb) => ({ bytes: eb('bytes', '+', size), sent_count: eb('sent_count', '+', 1) }))
      .where('window_start', '=', start);
    if (cap.count !== undefined) q = q.where('sent_count', '<', cap.count);
    // An archive bigger than the byte cap still goes, alone, in an empty window (else it would wait forever).
    if (cap.bytes !== undefined) q = q.where((eb) => eb.or([eb(sql<number>`bytes + ${size}`, '<=', cap.bytes!), eb('bytes', '=', 0)]));
    const res = await q.executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
  }

  async function send(row: Row): Promise<'sent' | 'skipped' | 'capped'> {
    // Room in the window first, then the claim: a row is never `sending` unless it is about to be posted
    // (a crash there would otherwise park an archive that never left as uncertain). A lost race for the
    // claim wastes the reservation, which only makes the cap stricter.
    if (!(await reserveVolume(toCount(row.archive_size)))) {
      await rows.postpone(row, new Date(windowStart(Date.now(), windowMs) + windowMs).toISOString());
      return 'capped';
    }
    if (!(await rows.claimSend(row))) return 'skipped';
    await step('before-post', row);
    try {
      await postArchive(opts.endpoint, row.archive_name!, Buffer.from(row.archive!));
    } catch (err) {
      const e =
        err instanceof PostArchiveError
          ? err
          : new PostArchiveError('La plateforme @CTES est injoignable ; la transmission sera retentée.', String(err), true, null);
      const permanent = e.status !== null && e.status >= 400 && e.status < 500 && e.status !== 408 && e.status !== 429;
      log?.warn(
        { transmission: row.id, attempt: row.attempts + 1, detail: e.detail, maybeDelivered: e.maybeDelivered, permanent },
        'acts: POST failed',
      );
      if (permanent) {
        await rows.failSend(row, e.message);
        await markFailed(row, "La plateforme @CTES a refusé l'archive.");
      } else if (e.maybeDelivered) {
        await rows.parkUncertain(row, e.message);
      } else {
        const delay = Math.min(backoffMax, backoffBase * 2 ** Math.min(row.attempts, 20));
        await rows.retrySend(row, e.message, new Date(Date.now() + delay).toISOString());
      }
      return 'sent';
    }
    await step('after-post', row);
    await recordSent(row);
    await step('after-record', row);
    return 'sent';
  }

  async function recordSent(row: Row): Promise<void> {
    const payload = JSON.parse(row.payload) as TransmissionPayload;
    await db.transaction().execute(async (trx) => {
      await rows.markSent(trx, row);
      if (!row.act_id) return;
      await changeStatusInTrx(trx, row.commune_id, row.act_id, (s) => {
        if (!s) return null;
        if (payload.kind === 'acte') {
          // The AR may already be in (it can race the 201): never step back from acquitte.
          const base = { ...s, archiveName: row.archive_name };
          return s.state === 'en_attente' ? withState(base, 'transmis') : s.archiveName === row.archive_name ? null : base;
        }
        if (payload.kind === 'answer')
          return {
            ...s,
            letters: s.letters.map((l) =>
              l.id === payload.answerId && l.state === 'en_attente' ? { ...l, state: 'transmis' as const } : l,
            ),
          };
        return null;
      });
    });
  }

  async function tick(): Promise<number> {
    let moved = await recover();
    const toBuild = await rows.due('queued', batch);
    moved += (await Promise.all(toBuild.map((r) => build(r)))).filter(Boolean).length;
    const toSend = await rows.due('built', batch);
    const outcomes = await Promise.all(toSend.map((r) => send(r)));
    moved += outcomes.filter((o) => o === 'sent').length;
    return moved;
  }

  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let wake: (() => void) | undefined;
  const loop = async () => {
    while (!stopped) {
      let moved = 0;
      try {
        moved = await tick();
      } catch (err) {
        log?.error({ err }, 'acts: forwarder pass failed');
      }
      if (stopped) break;
      if (moved === 0)
        await new Promise<void>((resolve) => {
          wake = resolve;
          timer = setTimeout(resolve, pollMs);
        });
    }
  };
  if (autoStart) running = loop();

  return {
    tick,
    kick() {
      if (timer) clearTimeout(timer);
      wake?.();
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      wake?.();
      await running;
    },
  };
}
