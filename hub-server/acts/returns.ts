import type { Kysely, Transaction } from 'kysely';
import type { Logger } from 'pino';
import { sniffFileKind } from '../../shared/acts/file-kinds.js';
import type { ActLetter, ActStatusRecord, StoredFile } from '../../shared/acts/records.js';
import type { HubDatabase } from '../db/schema.js';
import type { ActesReturn } from './actes-format/parse-return.js';
import { setClassification } from './classification.js';
import { storeCompleteFile } from '../files/store.js';
import type { ActesReturnEvent } from './mailbox/extract-returns.js';
import { changeStatusInTrx, withState } from './status.js';
import type { TransmissionKind } from './tables.js';
import { failRefusedEnvelope, settleAnswered, settleClassificationRequests } from './transmissions-store.js';

/**
 * What the prefecture mails back, applied to the act it concerns. The commune
 * is found by SIREN, then the act by IDActe (predicted at transmit time and
 * kept on the transmission) or NumeroInterne, always within that commune, so
 * a return never touches another commune's act. Every handler is idempotent:
 * the same mail delivered twice changes nothing the second time.
 */
export type ReturnOutcome = { applied: boolean; reason?: string };

type Trx = Transaction<HubDatabase>;

const LETTER_LABELS: Record<'2-1' | '3-1' | '4-1' | '5-1', string> = {
  '2-1': 'Courrier simple de la préfecture',
  '3-1': 'Demande de pièces complémentaires',
  '4-1': "Lettre d'observations",
  '5-1': 'Avis de déféré au tribunal administratif',
};

const MIME = { pdf: 'application/pdf', xml: 'application/xml', png: 'image/png', jpeg: 'image/jpeg', other: 'application/pdf' } as const;

async function communeBySiren(db: Kysely<HubDatabase>, siren: string | null): Promise<string | null> {
  if (!siren) return null;
  // SIREN is unique among collectivités (hub migration 005).
  const row = await db.selectFrom('collectivites').select('id').where('siren', '=', siren).executeTakeFirst();
  return row?.id ?? null;
}

async function actByIdActe(trx: Trx, communeId: string, idActe: string | null): Promise<string | null> {
  if (!idActe) return null;
  const row = await trx
    .selectFrom('actes_transmissions')
    .select('act_id')
    .where('commune_id', '=', communeId)
    .where('kind', '=', 'acte')
    .where('id_acte', '=', idActe)
    .orderBy('created_at', 'desc')
    .executeTakeFirst();
  return row?.act_id ?? null;
}

async function actByNumero(trx: Trx, communeId: string, numero: string | null): Promise<string | null> {
  if (!numero) return null;
  const row = await trx
    .selectFrom('acts_numeros')
    .select('act_id')
    .where('commune_id', '=', communeId)
    .where('numero_interne', '=', numero)
    .executeTakeFirst();
  return row?.act_id ?? null;
}

/** The answer proves the transmission reached @CTES: settle it, even if it was parked as uncertain. */
async function settle(trx: Trx, communeId: string, actId: string | null, kind: TransmissionKind): Promise<void> {
  await settleAnswered(trx, { communeId, actId, kind });
}

/** An answer about the act proves it reached @CTES, even if it overtook the worker's own record of the 201. */
function reached(s: ActStatusRecord): ActStatusRecord {
  return s.state === 'en_attente' ? withState(s, 'transmis') : s;
}

function anomalyMessage(m: Extract<ActesReturn, { type: 'AnomalieActe' | 'AnomalieEnveloppe' }>): string {
  const detail = m.detail.trim() || `anomalie de nature ${m.nature}`;
  return `La préfecture a refusé ${m.type === 'AnomalieActe' ? "l'acte" : "l'envoi"} : ${detail}`;
}

export async function applyReturn(db: Kysely<HubDatabase>, event: ActesReturnEvent, log?: Logger): Promise<ReturnOutcome> {
  const m = event.message;
  if (m.type === 'RetourClassification') {
    await setClassification(db, m.classification);
    await settleClassificationRequests(db);
    return { applied: true };
  }
  if (m.type === 'ReponseClassificationSansChangement') {
    await settleClassificationRequests(db);
    return { applied: true };
  }
  const communeId = await communeBySiren(db, event.siren);
  if (!communeId) return { applied: false, reason: 'unknown SIREN' };

  // Letters' documents are stored first (outside the status transaction: content-addressed, idempotent).
  let letterFiles: StoredFile[] = [];
  if (m.type === 'CourrierSimple' || m.type === 'DemandePieceComplementaire' || m.type === 'LettreObservations' || m.type === 'DefereTA') {
    letterFiles = [];
    for (const f of event.files.slice(1)) {
      const sha256 = await storeCompleteFile(db, communeId, 'acts', f.content);
      letterFiles.push({ sha256, fileName: f.name.slice(0, 255), size: f.content.byteLength, mime: MIME[sniffFileKind(f.content)] });
    }
  }

  return db.transaction().execute(async (trx): Promise<ReturnOutcome> => {
    if (m.type === 'AnomalieEnveloppe') {
      // `ANO_<envelope>.xml`: find our transmission by its archive name (the envelope name without .xml).
      const envelope = event.files[0]?.name.replace(/^ANO_/, '').replace(/\.xml$/i, '') ?? '';
      const rows = await trx
        .selectFrom('actes_transmissions')
        .select(['id', 'act_id', 'kind', 'payload', 'archive_name'])
        .where('commune_id', '=', communeId)
        .execute();
      const row = rows.find((r) => envelope && r.archive_name?.endsWith(`-${envelope}.tar.gz`));
      if (!row) return { applied: false, reason: 'envelope not found' };
      await failRefusedEnvelope(trx, row.id, anomalyMessage(m));
      if (!row.act_id) return { applied: true };
      const payload = JSON.parse(row.payload) as { kind: TransmissionKind; answerId?: string };
      await changeStatusInTrx(trx, communeId, row.act_id, (s) => {
        if (!s) return null;
        const error = anomalyMessage(m);
        if (payload.kind === 'acte')
          return s.state === 'erreur' || s.state === 'acquitte' ? null : { ...withState(s, 'erreur', error), error };
        if (payload.kind === 'annulation') return s.state === 'annulation_demandee' ? { ...withState(s, 'acquitte', error), error } : null;
        if (payload.kind === 'answer')
          return s.letters.some((l) => l.id === payload.answerId && l.state !== 'erreur')
            ? { ...s, error, letters: s.letters.map((l) => (l.id === payload.answerId ? { ...l, state: 'erreur' as const } : l)) }
            : null;
        return null;
      });
      return { applied: true };
    }

    const actId = (await actByIdActe(trx, communeId, event.idActe)) ?? (await actByNumero(trx, communeId, event.numeroInterne));
    if (!actId) return { applied: false, reason: 'act not found' };
    let changed: ActStatusRecord | null = null;
    const change = async (f: (s: ActStatusRecord) => ActStatusRecord | null) => {
      changed = await changeStatusInTrx(trx, communeId, actId, (s) => (s ? f(s) : null));
    };

    switch (m.type) {
      case 'ARActe':
        await settle(trx, communeId, actId, 'acte');
        await change((s) =>
          s.state === 'en_attente' || s.state === 'transmis' || s.state === 'erreur'
            ? {
                ...withState(reached(s), 'acquitte', `IDActe ${m.idActe}`),
                idActe: m.idActe,
                dateReception: m.dateReception || null,
                error: null,
              }
            : null,
        );
        break;
      case 'AnomalieActe':
        await settle(trx, communeId, actId, 'acte');
        // After the AR, an anomaly can only be the answer to a resend of the same act ("déjà transmis"): ignore it.
        await change((s) =>
          s.state === 'en_attente' || s.state === 'transmis'
            ? { ...withState(reached(s), 'erreur', anomalyMessage(m)), error: anomalyMessage(m) }
            : null,
        );
        break;
      case 'ARAnnulation':
        await settle(trx, communeId, actId, 'annulation');
        await change((s) => (s.state === 'annule' ? null : withState(s, 'annule', `Accusé de réception du ${m.dateReception}`)));
        break;
      case 'CourrierSimple':
      case 'DemandePieceComplementaire':
      case 'LettreObservations':
      case 'DefereTA': {
        const id = `recu:${event.files[0]?.name ?? m.code}`;
        const letter: ActLetter = {
          id,
          type: m.code,
          direction: 'recu',
          label: LETTER_LABELS[m.code],
          date: m.type === 'DefereTA' ? m.dateDepot : m.dateCourrierPref,
          files: letterFiles,
          state: 'recu',
        };
        await change((s) => (s.letters.some((l) => l.id === id) ? null : { ...s, letters: [...s.letters, letter] }));
        break;
      }
      case 'ARPieceComplementaire':
      case 'ARReponseRejetLettreObservations': {
        const asked = m.type === 'ARPieceComplementaire' ? '3-1' : '4-1';
        await settle(trx, communeId, actId, 'answer');
        await change((s) => {
          const letterIds = s.letters
            .filter((l) => l.direction === 'recu' && l.type === asked && l.date === m.dateCourrierPref)
            .map((l) => l.id);
          let touched = false;
          const letters = s.letters.map((l) => {
            if (l.direction === 'envoye' && l.state !== 'acquitte' && letterIds.some((id) => l.id.includes(`:${id}:`))) {
              touched = true;
              return { ...l, state: 'acquitte' as const };
            }
            return l;
          });
          return touched ? { ...s, letters } : null;
        });
        break;
      }
    }
    log?.info({ communeId, type: m.type, changed: changed !== null }, 'acts: return applied');
    return { applied: true };
  });
}
