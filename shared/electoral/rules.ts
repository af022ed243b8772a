import type { RuleRefusal, WriteAttempt } from '../domain/spec.js';
import { checkDemandContent, checkDemandUpdate, checkPieces } from './demand-content.js';
import { DEMAND_STATUS_LABELS, type Demand, type DemandStatus } from './types.js';

/** Only the mayor decides (permission `electoral.decide`). */
export const MAYOR_ONLY: readonly DemandStatus[] = ['acceptee', 'refusee'];
/** A closed demand keeps its status for good. */
export const CLOSED: readonly DemandStatus[] = ['acceptee', 'refusee', 'abandonnee'];

/** What never changes once a demand is deposited (its subject); status, address and comment may. */
const FIXED_FIELDS = ['kind', 'electorId', 'createdBy', 'createdAtLocal'] as const;

const refuse = (code: RuleRefusal['code'], message: string, detail: string): RuleRefusal => ({ code, message, detail });

/** A status change asked by someone who may or may not decide: the rule both the PC and the hub apply. */
export function checkDemandStatusChange(from: DemandStatus, to: DemandStatus, may: (permission: string) => boolean): RuleRefusal | null {
  if (from === to) return null;
  if (MAYOR_ONLY.includes(to) && !may('electoral.decide'))
    return refuse('forbidden', 'Seul le maire peut accepter ou refuser une demande.', `status ${from} -> ${to} without electoral.decide`);
  if (CLOSED.includes(from))
    return refuse(
      'conflict',
      `Cette demande est close (${DEMAND_STATUS_LABELS[from]}) : son statut ne peut plus changer.`,
      `closed ${from} -> ${to}`,
    );
  if (to === 'deposee') return refuse('invalid_input', 'Une demande ne peut pas revenir au statut « Déposée ».', `${from} -> deposee`);
  return null;
}

/** `electoral.demands` write rule: created « déposée », never deleted, subject fixed, status moves per checkDemandStatusChange. */
export function checkDemandWrite({ before, after, may, today }: WriteAttempt<Demand>): RuleRefusal | null {
  if (!after) return refuse('forbidden', 'Une demande ne peut pas être supprimée : passez-la au statut « Abandonnée ».', 'demand delete');
  if (!before) {
    if (after.status !== 'deposee')
      return refuse('invalid_input', 'Une nouvelle demande est toujours enregistrée au statut « Déposée ».', `created as ${after.status}`);
    if (after.depositDate === null)
      return refuse('invalid_input', 'Indiquez la date de dépôt de la demande.', 'created without depositDate');
    return checkDemandContent(after, today) ?? checkPieces(after);
  }
  const changed = FIXED_FIELDS.filter((f) => JSON.stringify(before[f]) !== JSON.stringify(after[f]));
  if (changed.length > 0)
    return refuse(
      'invalid_input',
      "L'objet d'une demande déposée ne peut pas être modifié : créez une nouvelle demande.",
      `fixed fields changed: ${changed.join(',')}`,
    );
  return (
    checkDemandStatusChange(before.status, after.status, may) ??
    checkDemandUpdate(before, after) ??
    checkDemandContent(after, today) ??
    (after.status === 'acceptee' && before.status !== 'acceptee' ? checkPieces(after) : null)
  );
}
