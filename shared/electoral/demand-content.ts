/**
 * What a demand must hold, per Cerfa, and how its dates may follow one another:
 * the one home of these rules, run by the PC before it queues a demand and by
 * the hub on every push (through checkDemandWrite, rules.ts).
 */
import type { RuleRefusal } from '../domain/spec.js';
import { frenchDay, isCalendarDay } from '../calendar.js';
import { PIECE_LABELS, type PieceKind } from './demand-fields.js';
import { checkAnswerWindow } from './radiation-notice.js';
import type { Demand, DemandKind, ListType } from './types.js';

/** Member states but France (ISO 3166 alpha-2): who may ask for the complementary lists (LO.227-1). */
export const EU_NATIONALITIES = [
  'AT', 'BE', 'BG', 'CY', 'CZ', 'DE', 'DK', 'EE', 'ES', 'FI', 'GR', 'HR', 'HU', 'IE',
  'IT', 'LT', 'LU', 'LV', 'MT', 'NL', 'PL', 'PT', 'RO', 'SE', 'SI', 'SK',
] as const; // biome-ignore format: one country per cell reads better

/** The Cerfa a demand is made on (radiations and bureau changes have none: the maire's procedure). */
export function cerfaOf(kind: DemandKind, list: ListType): string | null {
  if (kind !== 'inscription' && kind !== 'changement_adresse') return null;
  return { LP: 'Cerfa n° 12669*02', LCM: 'Cerfa n° 12670*02', LCE: 'Cerfa n° 12671*02' }[list];
}

/** The pieces a demand cannot be deposited without. */
export function requiredPieces(kind: DemandKind, list: ListType): PieceKind[] {
  if (kind === 'inscription') return list === 'LP' ? ['identite', 'attache'] : ['identite', 'attache', 'declaration_ue'];
  if (kind === 'changement_adresse') return ['attache'];
  return [];
}

const refuse = (message: string, detail: string, code: RuleRefusal['code'] = 'invalid_input'): RuleRefusal => ({ code, message, detail });

/** A day of the demand: a real date, not in the future. */
function checkDay(value: string | null, label: string, today: string | undefined): RuleRefusal | null {
  if (value === null) return null;
  if (!isCalendarDay(value))
    return refuse(
      `${label} n'est pas une date qui existe : écrivez le jour, le mois et l'année, par exemple 14/07/2026.`,
      `bad date ${label}`,
    );
  if (today !== undefined && value > today)
    return refuse(`${label} (${frenchDay(value)}) ne peut pas être dans le futur.`, `future ${label}`);
  return null;
}

/** Later dates may not precede earlier ones (a decision before the deposit is impossible). */
function checkOrder(d: Demand): RuleRefusal | null {
  const pairs: [string | null, string | null, string][] = [
    [d.applicant.birthDate, d.depositDate, 'La date de dépôt ne peut pas précéder la date de naissance.'],
    [d.depositDate, d.noticeDate, 'Le préavis de radiation ne peut pas précéder le dépôt de la demande.'],
    [d.depositDate, d.decisionDate, 'La décision ne peut pas précéder le dépôt de la demande.'],
    [d.noticeDate, d.decisionDate, 'La radiation ne peut pas être décidée avant l’envoi du préavis.'],
    [d.decisionDate, d.notificationDate, 'La notification ne peut pas précéder la décision.'],
    [d.decisionDate, d.reuTransmittedDate, 'La transmission au REU ne peut pas précéder la décision.'],
  ];
  for (const [before, after, message] of pairs) if (before && after && after < before) return refuse(message, 'dates out of order');
  return null;
}

function checkBirthDate(d: Demand, today: string | undefined): RuleRefusal | null {
  const b = d.applicant.birthDate;
  // The REU writes 00 for an unknown day or month: kept for an elector already listed, never typed for a new one.
  const known = d.kind !== 'inscription' && /^\d{4}-(00-00|\d{2}-00)$/.test(b);
  if (!known && !isCalendarDay(b))
    return refuse("La date de naissance n'existe pas : écrivez le jour, le mois et l'année, par exemple 02/01/1990.", 'bad birth date');
  if (today !== undefined && b > today) return refuse('La date de naissance ne peut pas être dans le futur.', 'future birth date');
  if (today !== undefined && Number(today.slice(0, 4)) - Number(b.slice(0, 4)) > 130)
    return refuse('La date de naissance est impossible (plus de 130 ans) : vérifiez l’année.', 'birth date over 130 years');
  return null;
}

function checkList(d: Demand): RuleRefusal | null {
  if (d.list === 'LP') {
    if (d.nationality !== null && d.nationality !== 'FR')
      return refuse(
        'La liste principale est réservée aux Français : un citoyen de l’Union demande la liste complémentaire municipale ou européenne.',
        `LP with nationality ${d.nationality}`,
      );
    return null;
  }
  if (d.nationality === null)
    return refuse('Indiquez la nationalité du demandeur (liste complémentaire).', 'complementary list without nationality');
  if (!(EU_NATIONALITIES as readonly string[]).includes(d.nationality))
    return refuse(
      `Les listes complémentaires sont réservées aux citoyens d'un autre État membre de l'Union européenne (nationalité « ${d.nationality} »).`,
      `complementary list with nationality ${d.nationality}`,
    );
  return null;
}

/** The required justificatifs are attached (one home: the Cerfa's checklist above). */
export function missingPieces(d: Pick<Demand, 'kind' | 'list'> & { justificatifs: readonly { piece: PieceKind }[] }): PieceKind[] {
  const held = new Set(d.justificatifs.map((j) => j.piece));
  return requiredPieces(d.kind, d.list).filter((p) => !held.has(p));
}

export function checkPieces(d: Demand): RuleRefusal | null {
  const missing = missingPieces(d);
  if (missing.length === 0) return null;
  const names = missing.map((p) => `« ${PIECE_LABELS[p]} »`).join(', ');
  return refuse(
    `Pièce${missing.length > 1 ? 's' : ''} justificative${missing.length > 1 ? 's' : ''} manquante${missing.length > 1 ? 's' : ''} : ${names}. Joignez le scan ou le PDF avant d’enregistrer.`,
    `missing pieces: ${missing.join(',')}`,
  );
}

/** What the follow-up dates require of the status (a notification needs a decision, etc.). */
function checkFollowUp(d: Demand): RuleRefusal | null {
  const decided = d.status === 'acceptee' || d.status === 'refusee';
  if (decided && d.decisionDate === null) return refuse('Indiquez la date de la décision du maire.', 'decided without decisionDate');
  if (!decided && d.decisionDate !== null)
    return refuse('Une date de décision suppose une demande acceptée ou refusée.', 'decisionDate undecided');
  if (d.status === 'refusee' && !d.refusalReason)
    return refuse('Un refus doit être motivé : indiquez le motif (il figure sur la lettre).', 'refusal without reason');
  if (d.status === 'acceptee' && d.kind === 'radiation' && d.noticeDate === null)
    return refuse(
      'Une radiation ne peut être décidée qu’après le préavis à l’électeur (procédure contradictoire) : envoyez d’abord la lettre de préavis.',
      'radiation without notice',
    );
  const early = checkAnswerWindow(d);
  if (early) return early;
  if (d.noticeDate !== null && d.kind !== 'radiation')
    return refuse('Le préavis ne concerne que les radiations.', 'notice on non-radiation');
  if (d.notificationDate !== null && !decided) return refuse('On ne notifie qu’une décision prise.', 'notification undecided');
  if (d.reuTransmittedDate !== null && d.status !== 'acceptee')
    return refuse('Seule une demande acceptée est transmise au REU.', 'transmitted but not accepted');
  if (d.reconciliation !== null && d.reuTransmittedDate === null)
    return refuse('Une demande ne peut être rapprochée de l’extrait qu’après sa transmission au REU.', 'reconciled before transmission');
  return null;
}

/**
 * Every check on the content of a demand as it would be stored; `today` (Paris) when the caller knows it.
 * The justificatifs are checked apart (checkPieces): at the deposit and at the acceptance.
 */
export function checkDemandContent(d: Demand, today: string | undefined): RuleRefusal | null {
  const days: [string | null, string][] = [
    [d.depositDate, 'La date de dépôt'],
    [d.noticeDate, 'La date du préavis'],
    [d.decisionDate, 'La date de décision'],
    [d.notificationDate, 'La date de notification'],
    [d.reuTransmittedDate, 'La date de transmission au REU'],
  ];
  for (const [value, label] of days) {
    const refusal = checkDay(value, label, today);
    if (refusal) return refusal;
  }
  for (const j of d.justificatifs) {
    const refusal = checkDay(j.addedOn, `La date d'ajout de « ${j.fileName} »`, today);
    if (refusal) return refusal;
  }
  return checkBirthDate(d, today) ?? checkOrder(d) ?? checkList(d) ?? checkFollowUp(d);
}

/** Once set, these never change: what was sent, decided or matched stays as it happened. */
const SET_ONCE = [
  'depositDate',
  'noticeDate',
  'decisionDate',
  'refusalReason',
  'notificationDate',
  'reuTransmittedDate',
  'reconciliation',
] as const;

/** An update keeps every justificatif (never silently deleted) and every date already set. */
export function checkDemandUpdate(before: Demand, after: Demand): RuleRefusal | null {
  const kept = new Set(after.justificatifs.map((j) => j.sha256));
  // `before` is the hub's stored JSON: a demand written before these fields existed lacks them.
  const dropped = (before.justificatifs ?? []).filter((j) => !kept.has(j.sha256));
  if (dropped.length > 0)
    return refuse(
      `Une pièce justificative ne peut pas être retirée d’une demande (« ${dropped[0]!.fileName} ») : elle est conservée avec le dossier.`,
      `justificatif removed (${dropped.length})`,
      'forbidden',
    );
  const changed = SET_ONCE.filter((f) => (before[f] ?? null) !== null && JSON.stringify(before[f]) !== JSON.stringify(after[f]));
  if (changed.length > 0)
    return refuse(
      'Cette étape de la demande est déjà enregistrée : sa date et son contenu ne changent plus.',
      `set-once fields changed: ${changed.join(',')}`,
      'conflict',
    );
  if ((before.list ?? 'LP') !== after.list)
    return refuse('La liste demandée fait partie de l’objet de la demande : créez une nouvelle demande.', 'list changed');
  return null;
}
