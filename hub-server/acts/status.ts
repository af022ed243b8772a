import type { Kysely, Transaction } from 'kysely';
import { ACT_STATES, type ActState, type ActStatusRecord } from '../../shared/acts/records.js';
import type { HubDatabase } from '../db/schema.js';
import { nowIso } from '../db/dialect.js';
import { lockCommune, readRecord, writeRecords } from '../sync/store.js';

/**
 * `acts.status` records are written by the hub only, through the sync
 * store's own functions (commune lock, new version), so clients pull them
 * like any other record.
 */
export function emptyStatus(actId: string): ActStatusRecord {
  return { actId, state: 'en_attente', idActe: null, dateReception: null, archiveName: null, timeline: [], letters: [], error: null };
}

/** Move to `state` with a timeline entry (hub clock). */
export function withState(s: ActStatusRecord, state: ActState, detail?: string): ActStatusRecord {
  return { ...s, state, timeline: [...s.timeline, { at: nowIso(), state, label: ACT_STATES[state].label, ...(detail ? { detail } : {}) }] };
}

export async function readStatus(
  db: Kysely<HubDatabase> | Transaction<HubDatabase>,
  communeId: string,
  actId: string,
): Promise<ActStatusRecord | null> {
  const r = await readRecord(db, communeId, 'acts.status', actId);
  return r && !r.deleted && r.json ? (JSON.parse(r.json) as ActStatusRecord) : null;
}

/**
 * Read-modify-write of one status inside `trx`, after taking the commune's
 * lock. `change` answers null to leave the record as is (idempotent returns).
 */
export async function changeStatusInTrx(
  trx: Transaction<HubDatabase>,
  communeId: string,
  actId: string,
  change: (current: ActStatusRecord | null) => ActStatusRecord | null,
): Promise<ActStatusRecord | null> {
  await lockCommune(trx, communeId);
  const current = await readStatus(trx, communeId, actId);
  const next = change(current);
  if (!next) return null;
  await writeRecords(trx, communeId, 'acts.status', [{ id: actId, json: JSON.stringify(next) }]);
  return next;
}

export function changeStatus(
  db: Kysely<HubDatabase>,
  communeId: string,
  actId: string,
  change: (current: ActStatusRecord | null) => ActStatusRecord | null,
): Promise<ActStatusRecord | null> {
  return db.transaction().execute((trx) => changeStatusInTrx(trx, communeId, actId, change));
}
