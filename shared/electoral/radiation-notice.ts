/**
 * The answer window of a radiation for perte d'attache (Code électoral L.18 II,
 * R.8; instruction INTA1830120J): the maire first tells the elector in writing
 * which radiation is envisaged and why, and the elector has fifteen days to
 * present observations. The radiation may be decided only once that window has
 * passed. Guichet counts the fifteen calendar days from the day the notice was
 * sent (the day it knows; the receipt, later, only lengthens the window), so
 * the earliest decision is the sixteenth day. Pure: `today` is passed in.
 */
import type { RuleRefusal } from '../domain/spec.js';
import { addDays, daysBetween, frenchDay } from '../calendar.js';
import type { Demand } from './types.js';

export const NOTICE_ANSWER_DAYS = 15;

/** Last day the elector may answer the notice sent on `noticeDate` (AAAA-MM-JJ). */
export function answerWindowEnd(noticeDate: string): string {
  return addDays(noticeDate, NOTICE_ANSWER_DAYS);
}

/** « Délai de réponse jusqu'au 18/03/2026 »: what every screen writes of the window. */
export function answerWindowText(noticeDate: string): string {
  return `Délai de réponse jusqu'au ${frenchDay(answerWindowEnd(noticeDate))}`;
}

export interface AnswerWindow {
  demandId: string;
  until: string;
  /** Days left before the window closes (0 = last day to answer); negative once passed. */
  daysLeft: number;
  /** The window has passed: the maire may now decide the radiation. */
  due: boolean;
}

/** The window of a radiation in progress whose notice was sent (null otherwise, or once decided). */
export function answerWindow(d: Demand, today: string): AnswerWindow | null {
  if (d.kind !== 'radiation' || d.noticeDate === null) return null;
  if (d.status !== 'deposee' && d.status !== 'instruction') return null;
  const until = answerWindowEnd(d.noticeDate);
  const daysLeft = daysBetween(today, until);
  return { demandId: d.id, until, daysLeft, due: daysLeft < 0 };
}

/** The radiations whose window has passed and that wait for the maire's decision, the oldest first. */
export function radiationsToDecide(demands: readonly Demand[], today: string): AnswerWindow[] {
  return demands
    .map((d) => answerWindow(d, today))
    .filter((w): w is AnswerWindow => w?.due === true)
    .sort((a, b) => a.until.localeCompare(b.until));
}

/** The rule: a radiation is accepted only after the answer window (PC and hub, through checkDemandContent). */
export function checkAnswerWindow(d: Demand): RuleRefusal | null {
  if (d.kind !== 'radiation' || d.status !== 'acceptee' || d.noticeDate === null || d.decisionDate === null) return null;
  const until = answerWindowEnd(d.noticeDate);
  if (d.decisionDate > until) return null;
  return {
    code: 'invalid_input',
    message: `L’électeur a ${NOTICE_ANSWER_DAYS} jours pour répondre au préavis envoyé le ${frenchDay(d.noticeDate)} : la radiation ne peut être décidée qu’à partir du ${frenchDay(addDays(until, 1))}.`,
    detail: 'radiation decided inside the answer window',
  };
}
