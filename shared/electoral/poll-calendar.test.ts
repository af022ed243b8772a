import { describe, expect, it } from 'vitest';
import { parisDay } from '../calendar.js';
import { addDays, checkPollDate, nthWeekdayBefore, pollCalendar, pollReminders, publicHoliday } from './poll-calendar.js';

const stepOf = (pollDate: string, id: string) => pollCalendar(pollDate).find((s) => s.id === id)!;

describe('poll calendar', () => {
  it('gives the 6th Friday and the 6th Wednesday before the municipales of 15 March 2026 (note §A2: 6 and 4 February)', () => {
    expect(stepOf('2026-03-15', 'inscription-guichet').to).toBe('2026-02-06');
    expect(stepOf('2026-03-15', 'inscription-en-ligne').to).toBe('2026-02-04');
  });

  it('counts the 6th Friday strictly before a poll that is itself a Friday', () => {
    expect(nthWeekdayBefore('2027-01-15', 5, 1)).toBe('2027-01-08');
    expect(nthWeekdayBefore('2027-01-15', 5, 6)).toBe('2026-12-04');
  });

  it('places the commission between J-24 and J-21, the tableau at J-20 for 7 days, J-5 and the L.68 consultation', () => {
    const poll = '2027-04-11';
    expect(stepOf(poll, 'commission')).toMatchObject({ from: '2027-03-18', to: '2027-03-21' });
    expect(stepOf(poll, 'tableau')).toMatchObject({ from: '2027-03-22', to: '2027-03-29' });
    expect(stepOf(poll, 'tableau-5-jours').from).toBe('2027-04-06');
    expect(stepOf(poll, 'emargement').to).toBe('2027-04-10');
    expect(stepOf(poll, 'consultation-l68')).toMatchObject({ from: '2027-04-12', to: '2027-04-21' });
    const froms = pollCalendar(poll).map((s) => s.from);
    expect(froms).toEqual([...froms].sort());
  });

  it('is not shifted by the daylight saving change (poll on the morning clocks go forward, 28 March 2027)', () => {
    // J-24 … J-21 cross no DST boundary here but the poll day itself is the change; J-5 falls in winter time.
    expect(stepOf('2027-03-28', 'commission')).toMatchObject({ from: '2027-03-04', to: '2027-03-07' });
    expect(stepOf('2027-03-28', 'tableau-5-jours').from).toBe('2027-03-23');
    expect(addDays('2027-03-27', 1)).toBe('2027-03-28');
    expect(addDays('2027-10-31', -1)).toBe('2027-10-30');
    // "Today" is the Paris day: 22:30 UTC on 27 March 2027 is already Sunday 28 in Paris (UTC+1 until 02:00).
    expect(parisDay(new Date('2027-03-27T23:30:00Z'))).toBe('2027-03-28');
  });

  it('flags a deadline falling on a public holiday (Easter-based and fixed)', () => {
    expect(publicHoliday('2027-05-06')).toBe('Ascension');
    expect(publicHoliday('2027-03-29')).toBe('Lundi de Pâques');
    expect(publicHoliday('2026-12-25')).toBe('Noël');
    expect(publicHoliday('2026-12-24')).toBeNull();
    // A poll on 14 June 2026: the 6th Friday before is 8 May; on 7 June 2026 it is 1 May.
    expect(stepOf('2026-06-14', 'inscription-guichet')).toMatchObject({ to: '2026-05-08', holiday: 'Victoire 1945' });
    expect(stepOf('2026-06-07', 'inscription-guichet')).toMatchObject({ to: '2026-05-01', holiday: 'Fête du Travail' });
    expect(stepOf('2027-03-14', 'commission').holiday).toBeNull();
  });

  it('refuses a poll date in the past, an impossible one, or one years ahead', () => {
    expect(checkPollDate('2026-12-05', '2026-12-06')?.message).toBe('La date du scrutin est passée : saisissez un scrutin à venir.');
    expect(checkPollDate('2027-02-30', '2026-12-06')?.code).toBe('invalid_input');
    expect(checkPollDate('2027-13-01', '2026-12-06')?.code).toBe('invalid_input');
    expect(checkPollDate('2035-03-11', '2026-12-06')?.message).toMatch(/trois ans/);
    expect(checkPollDate('2026-12-06', '2026-12-06')).toBeNull();
    expect(checkPollDate('2027-03-14', '2026-12-06')).toBeNull();
  });

  it('reminds the steps under way and those starting within two weeks', () => {
    // Poll 14 March 2027: commission 18–21 Feb, arrêt des listes from 19 Feb, tableau from 22 Feb.
    const r = pollReminders('2027-03-14', '2027-02-10');
    expect(r.map((x) => [x.step.id, x.state, x.inDays])).toEqual([
      ['commission', 'a-venir', 8],
      ['arret-listes', 'a-venir', 9],
      ['tableau', 'a-venir', 12],
    ]);
    const during = pollReminders('2027-03-14', '2027-02-19');
    expect(during.find((x) => x.step.id === 'commission')?.state).toBe('en-cours');
    expect(pollReminders('2027-03-14', '2027-05-01')).toEqual([]);
  });
});
