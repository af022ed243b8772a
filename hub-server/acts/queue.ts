import { randomUUID } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import type { ActRecord, StoredFile } from '../../shared/acts/records.js';
import { nowIso } from '../db/dialect.js';
import type { HubDatabase } from '../db/schema.js';
import type { AnswerCode } from './actes-format/build-answers.js';
import type { TransmissionKind } from './tables.js';

/** What a queued transmission carries besides the act record (kept as JSON in the row). */
export type TransmissionPayload =
  /** `act`: the record as the transmit command validated it (rows queued before it was kept have none). */
  | { kind: 'acte'; act?: ActRecord }
  | { kind: 'annulation'; idActe: string }
  | {
      kind: 'answer';
      idActe: string;
      answerId: string;
      letterId: string;
      code: AnswerCode;
      dateCourrierPref: string;
      files: StoredFile[];
      typology: string;
    }
  | { kind: 'classification'; dateClassification?: string };

/** Queue a transmission; called inside the command's (or the caller's) transaction so it lands with the status change. */
export async function enqueueTransmission(
  db: Kysely<HubDatabase> | Transaction<HubDatabase>,
  p: { communeId: string; actId: string | null; payload: TransmissionPayload; idActe?: string | null },
): Promise<string> {
  const id = randomUUID();
  const now = nowIso();
  await db
    .insertInto('actes_transmissions')
    .values({
      id,
      commune_id: p.communeId,
      act_id: p.actId,
      kind: p.payload.kind as TransmissionKind,
      payload: JSON.stringify(p.payload),
      state: 'queued',
      attempts: 0,
      next_attempt_at: now,
      claimed_by: null,
      claimed_at: null,
      serial: null,
      archive_name: null,
      archive_size: null,
      archive: null,
      id_acte: p.idActe ?? null,
      error: null,
      uncertain_since: null,
      created_at: now,
      sent_at: null,
      updated_at: now,
    })
    .execute();
  return id;
}
