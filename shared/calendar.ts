/**
 * Calendar days as the town hall reads them. Decisions are dated in French
 * civil time whatever the clock of the machine (a hub in UTC, a PC abroad),
 * and shown as JJ/MM/AAAA. Pure: no clock read here, the caller passes the date.
 */

const PARIS_DAY = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris', year: 'numeric', month: '2-digit', day: '2-digit' });

/** The day in Paris at `date`, as AAAA-MM-JJ (a decision taken today in France is not "in the future"). */
export function parisDay(date: Date): string {
  return PARIS_DAY.format(date);
}

/** AAAA-MM-JJ (or an ISO timestamp) → JJ/MM/AAAA; parts are kept as written (the REU's `00` stays `00`); anything else is returned as is. */
export function frenchDay(iso: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso);
  return m ? `${m[3]}/${m[2]}/${m[1]}` : iso;
}

/** Whether `value` is a real calendar day written AAAA-MM-JJ (no 31/02, no `00`). */
export function isCalendarDay(value: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.getUTCFullYear() === Number(m[1]) && d.getUTCMonth() === Number(m[2]) - 1 && d.getUTCDate() === Number(m[3]);
}

/** The calendar day `days` after (or before, when negative) the day AAAA-MM-JJ. */
export function addDays(day: string, days: number): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

/** Calendar days from `from` to `to` (both AAAA-MM-JJ; negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}
