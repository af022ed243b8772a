/**
 * The legal calendar of a poll, computed from its date (reference note §A2,
 * D3.5). Pure: days are AAAA-MM-JJ civil days in Paris (shared/calendar.ts
 * gives today); arithmetic is done on calendar days in UTC, so a daylight
 * saving change between two dates never shifts a deadline.
 */
import type { RuleRefusal } from '../domain/spec.js';

const DAY_MS = 86_400_000;
const ISO_DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** The UTC midnight of a real AAAA-MM-JJ day, or null (31/02, 00, garbage). */
export function dayTime(day: string): number | null {
  const m = ISO_DAY.exec(day);
  if (!m) return null;
  const t = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  return new Date(t).toISOString().slice(0, 10) === day ? t : null;
}

const isoOf = (t: number) => new Date(t).toISOString().slice(0, 10);

/** `day` plus `n` calendar days (n may be negative). */
export function addDays(day: string, n: number): string {
  const t = dayTime(day);
  if (t === null) throw new Error(`not a day: ${day}`);
  return isoOf(t + n * DAY_MS);
}

/** 0 = Sunday … 6 = Saturday. */
export const weekday = (day: string): number => new Date(dayTime(day) ?? Number.NaN).getUTCDay();

/** The `n`-th given weekday strictly before `day` (the 6th Friday before the poll). */
export function nthWeekdayBefore(day: string, wd: number, n: number): string {
  const back = ((weekday(day) - wd + 7) % 7 || 7) + 7 * (n - 1);
  return addDays(day, -back);
}

/** Easter Sunday (Gregorian, anonymous algorithm). */
function easter(year: number): string {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const dayOfMonth = ((h + l - 7 * m + 114) % 31) + 1;
  return `${year}-${String(month).padStart(2, '0')}-${String(dayOfMonth).padStart(2, '0')}`;
}

/** French public holidays (Code du travail L.3133-1, metropolitan list) of a day, or null. */
export function publicHoliday(day: string): string | null {
  const year = Number(day.slice(0, 4));
  const e = easter(year);
  const fixed: Record<string, string> = {
    '01-01': 'Jour de l’an',
    '05-01': 'Fête du Travail',
    '05-08': 'Victoire 1945',
    '07-14': 'Fête nationale',
    '08-15': 'Assomption',
    '11-01': 'Toussaint',
    '11-11': 'Armistice',
    '12-25': 'Noël',
  };
  const moving: Record<string, string> = {
    [addDays(e, 1)]: 'Lundi de Pâques',
    [addDays(e, 39)]: 'Ascension',
    [addDays(e, 50)]: 'Lundi de Pentecôte',
  };
  return moving[day] ?? fixed[day.slice(5)] ?? null;
}

export type PollStepId =
  | 'inscription-guichet'
  | 'inscription-en-ligne'
  | 'commission'
  | 'arret-listes'
  | 'tableau'
  | 'tableau-5-jours'
  | 'cartes'
  | 'emargement'
  | 'scrutin'
  | 'consultation-l68';

export interface PollStep {
  id: PollStepId;
  label: string;
  /** First and last day (equal for a single day). */
  from: string;
  to: string;
  /** What the law or the practice says, in one sentence. */
  note: string;
  /** Name of a public holiday falling on `to`, for a deadline the mairie must still honour. */
  holiday: string | null;
}

/** Every step of the calendar, in date order. `pollDate` must be a real day (checkPollDate). */
export function pollCalendar(pollDate: string): PollStep[] {
  const d = (n: number) => addDays(pollDate, n);
  const step = (id: PollStepId, label: string, from: string, to: string, note: string): PollStep => ({
    id,
    label,
    from,
    to,
    note,
    holiday: publicHoliday(to),
  });
  const friday = nthWeekdayBefore(pollDate, 5, 6);
  const wednesday = nthWeekdayBefore(pollDate, 3, 6);
  return [
    step(
      'inscription-en-ligne',
      'Fin des inscriptions en ligne',
      wednesday,
      wednesday,
      '6e mercredi avant le scrutin (service-public.fr) ; après, le REU garde la demande pour le lendemain du scrutin.',
    ),
    step(
      'inscription-guichet',
      'Fin des inscriptions au guichet et par courrier',
      friday,
      friday,
      '6e vendredi avant le scrutin (Cerfa papier) ; seules les inscriptions de l’article L.30 restent possibles après.',
    ),
    step('commission', 'Réunion de la commission de contrôle', d(-24), d(-21), 'Entre le 24e et le 21e jour avant le scrutin (L.19).'),
    step(
      'arret-listes',
      'Arrêt des listes (livrable « J-20 » du REU)',
      d(-23),
      d(-7),
      'À demander une seule fois au REU, entre J-23 et J-7 (pratique des éditeurs connectés).',
    ),
    step(
      'tableau',
      'Tableau des inscriptions et radiations',
      d(-20),
      d(-13),
      'Publié le lendemain de la commission et au plus tard à J-20, tenu à disposition 7 jours (L.20, R.13).',
    ),
    step(
      'tableau-5-jours',
      'Tableau des 5 jours',
      d(-5),
      d(-5),
      'Inscriptions de l’article L.30 et radiations depuis la commission (livrable « mouvements J-5 »).',
    ),
    step('cartes', 'Cartes électorales distribuées', d(-3), d(-3), 'Les cartes doivent parvenir aux électeurs au plus tard 3 jours avant.'),
    step(
      'emargement',
      'Listes d’émargement commandées et imprimées',
      d(-6),
      d(-1),
      'Livrable du REU, à commander jusqu’à la veille ; certifiées par le maire.',
    ),
    step('scrutin', 'Jour du scrutin', pollDate, pollDate, 'Les électeurs signent la liste d’émargement (L.62-1).'),
    step(
      'consultation-l68',
      'Consultation des listes d’émargement',
      d(1),
      d(10),
      'Tout électeur peut consulter la liste d’émargement pendant 10 jours (L.68) : tenez le registre.',
    ),
  ].sort((a, b) => (a.from < b.from ? -1 : a.from > b.from ? 1 : 0));
}

const refuse = (message: string, detail: string): RuleRefusal => ({ code: 'invalid_input', message, detail });

/** A poll date the mairie may create: a real day, today or later (`today` in Paris, from parisDay). */
export function checkPollDate(pollDate: string, today: string): RuleRefusal | null {
  if (dayTime(pollDate) === null) return refuse('La date du scrutin n’est pas une date valide (JJ/MM/AAAA).', 'poll date invalid');
  if (pollDate < today) return refuse('La date du scrutin est passée : saisissez un scrutin à venir.', 'poll date in the past');
  if (pollDate > addDays(today, 3 * 366))
    return refuse('La date du scrutin est à plus de trois ans : vérifiez l’année.', 'poll date too far');
  return null;
}

export interface PollReminder {
  step: PollStep;
  /** `en-cours`: today is inside the step; `a-venir`: starts within the horizon. */
  state: 'en-cours' | 'a-venir';
  /** Days until the step starts (0 when under way). */
  inDays: number;
}

/** The steps to remind on the home screen: under way today, or starting within `horizonDays`. */
export function pollReminders(pollDate: string, today: string, horizonDays = 14): PollReminder[] {
  const t = dayTime(today);
  if (t === null || dayTime(pollDate) === null) return [];
  const horizon = addDays(today, horizonDays);
  const out: PollReminder[] = [];
  for (const step of pollCalendar(pollDate)) {
    if (step.from <= today && today <= step.to) out.push({ step, state: 'en-cours', inDays: 0 });
    else if (step.from > today && step.from <= horizon)
      out.push({ step, state: 'a-venir', inDays: Math.round(((dayTime(step.from) ?? t) - t) / DAY_MS) });
  }
  return out;
}
