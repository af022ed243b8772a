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
