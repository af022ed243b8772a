import { parisDay } from '../calendar.js';
import type { RuleRefusal } from '../domain/spec.js';

/**
 * LPF R*107 A-3: a commune communicates cadastral information to a third party
 * « dans la limite de cinq demandes par semaine et dans la limite de dix
 * demandes par mois civil » per requester. Owners asking about their own
 * property, and authorities in legal or administrative proceedings, are not
 * counted. Reading: the month is the calendar month (the text says so); the
 * week is read the same way, the calendar week Monday to Sunday (ISO 8601), both
 * in Paris time. This is the one home of the rule: the hub enforces it on the
 * communications it records, the PC asks it for comfort before printing.
 */
export const WEEK_LIMIT = 5;
export const MONTH_LIMIT = 10;

/** Monday (AAAA-MM-JJ, Paris) of the calendar week holding `date`. */
export function parisWeekStart(date: Date): string {
  const day = parisDay(date);
  const noonUtc = new Date(`${day}T12:00:00Z`);
  const weekday = (noonUtc.getUTCDay() + 6) % 7; // Monday 0 … Sunday 6
  return new Date(noonUtc.getTime() - weekday * 86_400_000).toISOString().slice(0, 10);
}

/** AAAA-MM of the calendar month (Paris) holding `date`. */
export function parisMonth(date: Date): string {
  return parisDay(date).slice(0, 7);
}

export interface CountedCommunication {
  requesterKey: string;
  at: string;
  counted: boolean;
}

export interface RequesterUsage {
  week: number;
  month: number;
}

/** How many counted communications the requester already had this week and this month (at `now`). */
export function usageOf(past: readonly CountedCommunication[], requesterKey: string, now: Date): RequesterUsage {
  const week = parisWeekStart(now);
  const month = parisMonth(now);
  let w = 0;
  let m = 0;
  for (const c of past) {
    if (!c.counted || c.requesterKey !== requesterKey) continue;
    const at = new Date(c.at);
    if (parisWeekStart(at) === week) w++;
    if (parisMonth(at) === month) m++;
  }
  return { week: w, month: m };
}

/** The refusal of one more communication to this requester, or null when it is allowed (or not counted). */
export function communicationRefusal(
  past: readonly CountedCommunication[],
  request: { requesterKey: string; counted: boolean },
  now: Date,
): RuleRefusal | null {
  if (!request.counted) return null;
  const used = usageOf(past, request.requesterKey, now);
  if (used.week >= WEEK_LIMIT)
    return {
      code: 'forbidden',
      message: `Ce demandeur a déjà reçu ${used.week} communications cette semaine : la limite est de ${WEEK_LIMIT} par semaine (article R*107 A-3 du livre des procédures fiscales). Il pourra en demander de nouveau à partir de lundi.`,
      detail: `week limit reached (${used.week})`,
    };
  if (used.month >= MONTH_LIMIT)
    return {
      code: 'forbidden',
      message: `Ce demandeur a déjà reçu ${used.month} communications ce mois-ci : la limite est de ${MONTH_LIMIT} par mois civil (article R*107 A-3 du livre des procédures fiscales).`,
      detail: `month limit reached (${used.month})`,
    };
  return null;
}
