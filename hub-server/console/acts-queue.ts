import type { Kysely } from 'kysely';
import type { ConsoleTransmission } from '../../shared/console/views.js';
import { GuichetError } from '../../shared/errors.js';
import { changeStatusInTrx, withState } from '../acts/status.js';
import { type OperatorRefusal, requeueByOperator, resolveByOperator } from '../acts/transmissions-store.js';
import type { HubDatabase } from '../db/schema.js';
import { type AuditActor, audit } from './audit.js';

/**
 * The ACTES queue across collectivités as the département's staff sees it: transmissions that
 * need a person (`failed`, `uncertain`), and the two actions on them. Each action runs in one
 * transaction with the act's status change (the town hall sees it at its next sync) and its
 * audit row. The state rules are in acts/transmissions-store.ts.
 */
const REFUSALS: Record<OperatorRefusal, string> = {
  not_found: 'Cette transmission n’existe pas.',
  wrong_state: 'Cette transmission n’est plus dans cet état (elle a changé entre-temps) : rechargez la file.',
  received: 'La préfecture a déjà accusé réception de cet acte : il ne sera pas renvoyé.',
  sibling: 'Une autre transmission de cet acte est déjà en cours ou reçue : celle-ci ne sera pas relancée.',
};

function refuse(refusal: OperatorRefusal): never {
  throw new GuichetError(refusal === 'not_found' ? 'not_found' : 'conflict', REFUSALS[refusal], `transmission ${refusal}`);
}

export async function listQueue(db: Kysely<HubDatabase>, states: ('failed' | 'uncertain')[]): Promise<ConsoleTransmission[]> {
  const rows = await db
    .selectFrom('actes_transmissions as t')
    .innerJoin('collectivites as c', 'c.id', 't.commune_id')
    .select([
      't.id',
      't.act_id',
      't.kind',
      't.state',
      't.attempts',
      't.error',
      't.archive_name',
      't.created_at',
      't.updated_at',
      't.uncertain_since',
      'c.name as collectivite',
      'c.siren',
      'c.insee',
    ])
    .where('t.state', 'in', states)
    .orderBy('t.updated_at', 'desc')
    .limit(500)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    actId: r.act_id,
    kind: r.kind,
    state: r.state as 'failed' | 'uncertain',
    attempts: r.attempts,
    error: r.error,
    archiveName: r.archive_name,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    uncertainSince: r.uncertain_since,
    collectivite: { name: r.collectivite, code: r.insee ?? r.siren },
  }));
}

export async function requeueTransmission(db: Kysely<HubDatabase>, actor: AuditActor, id: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const result = await requeueByOperator(trx, id);
    if (!result.ok) refuse(result.refusal);
    const { row, from } = result;
    if (row.act_id && row.kind === 'acte' && from === 'failed')
      await changeStatusInTrx(trx, row.commune_id, row.act_id, (s) =>
        s && s.state === 'erreur' ? { ...withState(s, 'en_attente', 'Relancée par le département'), error: null } : null,
      );
    await audit(trx, actor, { action: 'actes.relancer', target: id, detail: { depuis: from, type: row.kind } });
  });
}

export async function resolveTransmission(
  db: Kysely<HubDatabase>,
  actor: AuditActor,
  id: string,
  outcome: 'transmis' | 'failed',
): Promise<void> {
  const message = 'Absente de la plateforme @CTES (vérifié par le département) : à relancer.';
  await db.transaction().execute(async (trx) => {
    const result = await resolveByOperator(trx, id, outcome, message);
    if (!result.ok) refuse(result.refusal);
    const { row } = result;
    if (row.act_id && row.kind === 'acte')
      await changeStatusInTrx(trx, row.commune_id, row.act_id, (s) => {
        if (!s) return null;
        if (outcome === 'transmis') return s.state === 'en_attente' ? withState(s, 'transmis', 'Constaté par le département') : null;
        return s.state === 'en_attente' || s.state === 'transmis' ? { ...withState(s, 'erreur', message), error: message } : null;
      });
    await audit(trx, actor, { action: 'actes.resoudre', target: id, detail: { issue: outcome, type: row.kind } });
  });
}
