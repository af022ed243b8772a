/**
 * The registers several PCs of a commune write (reference note §A2, D3.8–9):
 * polls, procurations, L.37 communications of the list, L.68 consultations of
 * the émargement, and the bureaux (address of each bureau, printed on cards).
 * Bounded schemas and the write rules the PC and the hub both apply.
 */
import { z } from 'zod';
import type { RuleRefusal, WriteAttempt } from '../domain/spec.js';
import { addDays, dayTime } from './poll-calendar.js';

const day = (what: string) =>
  z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, `${what} : date invalide.`)
    .refine((d) => dayTime(d) !== null, `${what} : cette date n’existe pas.`);
const name = (what: string, max = 200) => z.string().trim().min(1, `${what} est obligatoire.`).max(max);
const stamp = { createdBy: z.string().max(100), createdAtLocal: z.string().max(40) };

export const POLL_KINDS = [
  'municipales',
  'europeennes',
  'legislatives',
  'presidentielle',
  'departementales',
  'regionales',
  'autre',
] as const;
export const POLL_KIND_LABELS: Record<(typeof POLL_KINDS)[number], string> = {
  municipales: 'Élections municipales',
  europeennes: 'Élections européennes',
  legislatives: 'Élections législatives',
  presidentielle: 'Élection présidentielle',
  departementales: 'Élections départementales',
  regionales: 'Élections régionales',
  autre: 'Autre scrutin (référendum, partielle…)',
};

export const pollSchema = z.object({
  id: z.string().uuid(),
  kind: z.enum(POLL_KINDS),
  label: name('Le nom du scrutin', 120),
  /** First round, AAAA-MM-JJ. */
  date: day('Date du scrutin'),
  /** Meeting of the commission de contrôle, once fixed (between J-24 and J-21). */
  commissionDate: day('Date de la commission').nullable(),
  ...stamp,
});
export type Poll = z.infer<typeof pollSchema>;

export const procurationSchema = z.object({
  id: z.string().uuid(),
  /** Bureau of the mandant: the mandataire votes there (déterritorialisation, 2022). */
  bureauCode: z.string().trim().min(1, 'Le bureau de vote est obligatoire.').max(4),
  mandant: z.object({
    name: name('Le nom du mandant'),
    ine: z.string().trim().max(12).nullable(),
    electorId: z.string().max(100).nullable(),
  }),
  mandataire: z.object({ name: name('Le nom du mandataire'), ine: z.string().trim().max(12).nullable() }),
  validFrom: day('Début de validité'),
  validTo: day('Fin de validité'),
  /** Who established it (commissariat, gendarmerie, consulat, Maprocuration). */
  authority: z.string().trim().max(200),
  source: z.enum(['extrait', 'saisie']),
  /** A paper procuration must be keyed into the REU by the mairie. */
  keyedIntoReu: z.boolean(),
  ...stamp,
});
export type Procuration = z.infer<typeof procurationSchema>;

export const communicationSchema = z.object({
  id: z.string().uuid(),
  requester: name('Le nom du demandeur'),
  quality: z.enum(['electeur', 'candidat', 'parti']),
  /** L.37: the requester promised not to use the list for commercial purposes. */
  nonCommercialCommitment: z.boolean(),
  date: day('Date de la communication'),
  /** Which extract was given (file, date, lists). */
  extract: name('L’extrait communiqué', 300),
  ...stamp,
});
export type Communication = z.infer<typeof communicationSchema>;

export const consultationSchema = z.object({
  id: z.string().uuid(),
  pollId: z.string().uuid(),
  /** Copied from the poll so the rule can check the 10 days without another record. */
  pollDate: day('Date du scrutin'),
  consultant: name('Le nom de la personne'),
  date: day('Date de la consultation'),
  bureauCode: z.string().trim().max(4).nullable(),
  ...stamp,
});
export type Consultation = z.infer<typeof consultationSchema>;

export const bureauSchema = z.object({
  /** The 4-character REU code (0001…), also the record id. */
  id: z.string().trim().min(1).max(4),
  label: name('Le nom du bureau', 120),
  /** Where electors vote: printed on the cards (R.23). */
  address: name('L’adresse du bureau', 300),
  ...stamp,
});
export type Bureau = z.infer<typeof bureauSchema>;

const refuse = (code: RuleRefusal['code'], message: string, detail: string): RuleRefusal => ({ code, message, detail });

/** A register line is written once: neither changed nor deleted (a mistake is corrected by a new line). */
function appendOnly<T>({ before, after }: WriteAttempt<T>, what: string): RuleRefusal | null {
  if (!after) return refuse('forbidden', `${what} est un registre : une ligne ne peut pas être supprimée.`, 'register delete');
  if (before && JSON.stringify(before) !== JSON.stringify(after))
    return refuse('conflict', `${what} est un registre : une ligne enregistrée ne peut pas être modifiée.`, 'register update');
  return null;
}

export function checkPollWrite({ before, after }: WriteAttempt<Poll>): RuleRefusal | null {
  if (!after) return null;
  if (before && before.date !== after.date)
    return refuse('invalid_input', 'La date d’un scrutin enregistré ne change pas : créez un autre scrutin.', 'poll date changed');
  if (after.commissionDate && (after.commissionDate < addDays(after.date, -24) || after.commissionDate > addDays(after.date, -21)))
    return refuse(
      'invalid_input',
      'La commission de contrôle se réunit entre le 24e et le 21e jour avant le scrutin.',
      'commission outside J-24..J-21',
    );
  return null;
}

export function checkProcurationWrite({ after }: WriteAttempt<Procuration>): RuleRefusal | null {
  if (!after) return null;
  if (after.validTo < after.validFrom)
    return refuse('invalid_input', 'La fin de validité de la procuration précède son début.', 'procuration dates reversed');
  const same = (a: string | null, b: string | null) => !!a && !!b && a === b;
  if (same(after.mandant.ine, after.mandataire.ine) || after.mandant.name.toLowerCase() === after.mandataire.name.toLowerCase())
    return refuse('invalid_input', 'Le mandant ne peut pas être son propre mandataire.', 'mandant is mandataire');
  return null;
}

export function checkCommunicationWrite(attempt: WriteAttempt<Communication>): RuleRefusal | null {
  const { after } = attempt;
  if (after && !after.nonCommercialCommitment)
    return refuse(
      'invalid_input',
      'La liste ne se communique qu’à qui s’engage à ne pas en faire un usage commercial (L.37).',
      'no non-commercial commitment',
    );
  return appendOnly(attempt, 'Le registre des communications (L.37)');
}

export function checkConsultationWrite(attempt: WriteAttempt<Consultation>): RuleRefusal | null {
  const { after } = attempt;
  if (after && (after.date <= after.pollDate || after.date > addDays(after.pollDate, 10)))
    return refuse(
      'invalid_input',
      'La liste d’émargement se consulte dans les 10 jours qui suivent le scrutin (L.68).',
      'consultation outside D+1..D+10',
    );
  return appendOnly(attempt, 'Le registre des consultations (L.68)');
}

export function checkBureauWrite({ before, after }: WriteAttempt<Bureau>): RuleRefusal | null {
  if (!after)
    return refuse('forbidden', 'Un bureau de vote ne se supprime pas ici : il disparaît avec le découpage du REU.', 'bureau delete');
  if (before && before.id !== after.id) return refuse('invalid_input', 'Le code d’un bureau ne change pas.', 'bureau code changed');
  return null;
}

/** PC-side check before a write that depends on today (the hub has no trusted clock in a write rule). */
export function checkNotFuture(date: string, today: string, what: string): RuleRefusal | null {
  return date > today ? refuse('invalid_input', `${what} ne peut pas être dans le futur.`, 'date in the future') : null;
}
