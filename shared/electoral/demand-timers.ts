/**
 * The legal timers of a demand (Code électoral L.18; instruction INTA1830120J):
 * the maire decides within 5 days of the deposit, notifies the decision within
 * 2 days of it, and sends it to the REU within the same 2 days. Counted in
 * calendar days (the instruction's reading: « cinq jours » without « ouvrés »),
 * from the Paris day: pure, `today` is passed in.
 */
import { addDays, daysBetween } from '../calendar.js';
import type { Demand } from './types.js';

export const DECISION_DAYS = 5;
export const NOTIFICATION_DAYS = 2;

export type TimerStep = 'decision' | 'notification' | 'reu';
export const TIMER_LABELS: Record<TimerStep, string> = {
  decision: 'Décision du maire',
  notification: 'Notification au demandeur',
  reu: 'Transmission au REU',
};

export interface DemandTimer {
  demandId: string;
  step: TimerStep;
  /** Last day allowed, AAAA-MM-JJ. */
  due: string;
  /** Days left (0 = today is the last day; negative = late by that many days). */
  daysLeft: number;
  late: boolean;
}

/** The timers still running for a demand (none once everything is done, or for a demand from before deposit dates). */
export function demandTimers(d: Demand, today: string): DemandTimer[] {
  const timer = (step: TimerStep, due: string): DemandTimer => {
    const daysLeft = daysBetween(today, due);
    return { demandId: d.id, step, due, daysLeft, late: daysLeft < 0 };
  };
  // A radiation is the maire's own procedure, not a demand to answer in 5 days: it waits for the elector's
  // answer window instead (radiation-notice.ts), and is decided once that window has passed.
  if ((d.status === 'deposee' || d.status === 'instruction') && d.depositDate)
    return d.kind === 'radiation' ? [] : [timer('decision', addDays(d.depositDate, DECISION_DAYS))];
  if ((d.status === 'acceptee' || d.status === 'refusee') && d.decisionDate) {
    const due = addDays(d.decisionDate, NOTIFICATION_DAYS);
    const out: DemandTimer[] = [];
    if (d.notificationDate === null) out.push(timer('notification', due));
    if (d.status === 'acceptee' && d.reuTransmittedDate === null) out.push(timer('reu', due));
    return out;
  }
  return [];
}

/** Every running timer of the commune's demands, the most urgent first. */
export function runningTimers(demands: readonly Demand[], today: string): DemandTimer[] {
  return demands.flatMap((d) => demandTimers(d, today)).sort((a, b) => a.daysLeft - b.daysLeft || a.due.localeCompare(b.due));
}

/** « en retard de 2 jours », « dernier jour aujourd'hui », « reste 3 jours »: the words, never the colour alone. */
export function timerText(t: DemandTimer): string {
  if (t.late) return `En retard de ${-t.daysLeft} jour${t.daysLeft < -1 ? 's' : ''}`;
  if (t.daysLeft === 0) return "Dernier jour aujourd'hui";
  return `Reste ${t.daysLeft} jour${t.daysLeft > 1 ? 's' : ''}`;
}
