import { describe, expect, it } from 'vitest';
import { type CountedCommunication, communicationRefusal, parisMonth, parisWeekStart, usageOf } from './communication-limit.js';

/**
 * R*107 A-3 at the edges of weeks and months, in Paris time (UTC+1 in winter, UTC+2 in summer):
 * instants are written in UTC with the Paris wall-clock time they stand for.
 */
const R = 'demandeur-1';
const sent = (...isoUtc: string[]): CountedCommunication[] => isoUtc.map((at) => ({ requesterKey: R, at, counted: true }));
const refusal = (past: CountedCommunication[], nowUtc: string) =>
  communicationRefusal(past, { requesterKey: R, counted: true }, new Date(nowUtc));

describe('R*107 A-3 counters at week and month boundaries (Paris)', () => {
  it('a new ISO week starts at Monday 00:00 in Paris, not in UTC', () => {
    // Sunday 06/12/2026 23:30 Paris = 22:30Z; Monday 07/12 00:30 Paris = 23:30Z (still Sunday in UTC).
    expect(parisWeekStart(new Date('2026-12-06T22:30:00Z'))).toBe('2026-11-30');
    expect(parisWeekStart(new Date('2026-12-06T23:30:00Z'))).toBe('2026-12-07');
    const five = sent(
      '2026-12-06T18:00:00Z',
      '2026-12-06T19:00:00Z',
      '2026-12-06T20:00:00Z',
      '2026-12-06T21:00:00Z',
      '2026-12-06T22:00:00Z',
    );
    expect(refusal(five, '2026-12-06T22:30:00Z')?.detail).toBe('week limit reached (5)');
    expect(refusal(five, '2026-12-06T23:30:00Z')).toBeNull();
  });

  it('a new month starts on the 1st at 00:00 in Paris, and the 5-a-week limit still binds across it', () => {
    // Ten in September, two per week from Monday 31/08 (a week spanning August and September).
    const september = sent(
      '2026-09-01T08:00:00Z',
      '2026-09-02T08:00:00Z',
      '2026-09-08T08:00:00Z',
      '2026-09-09T08:00:00Z',
      '2026-09-15T08:00:00Z',
      '2026-09-16T08:00:00Z',
      '2026-09-22T08:00:00Z',
      '2026-09-23T08:00:00Z',
      '2026-09-28T08:00:00Z', // Monday of the week spanning September and October
      '2026-09-29T08:00:00Z',
    );
    // Wednesday 30/09 23:30 Paris (21:30Z): month full.
    expect(refusal(september, '2026-09-30T21:30:00Z')?.detail).toBe('month limit reached (10)');
    // Thursday 01/10 00:30 Paris (22:30Z on the 30th in UTC): new month, same week (2 of 5 used).
    expect(parisMonth(new Date('2026-09-30T22:30:00Z'))).toBe('2026-10');
    expect(usageOf(september, R, new Date('2026-09-30T22:30:00Z'))).toEqual({ week: 2, month: 0 });
    expect(refusal(september, '2026-09-30T22:30:00Z')).toBeNull();

    // Five in the week of Monday 28/09 (three in September, two in October): October's first days stay refused.
    const week = sent(
      '2026-09-28T08:00:00Z',
      '2026-09-29T08:00:00Z',
      '2026-09-30T08:00:00Z',
      '2026-10-01T08:00:00Z',
      '2026-10-02T08:00:00Z',
    );
    expect(usageOf(week, R, new Date('2026-10-03T08:00:00Z'))).toEqual({ week: 5, month: 2 });
    expect(refusal(week, '2026-10-03T08:00:00Z')?.message).toMatch(/5 communications cette semaine.*à partir de lundi/);
    expect(refusal(week, '2026-10-04T21:59:00Z')?.detail).toBe('week limit reached (5)'); // Sunday 23:59 Paris (CEST)
    expect(refusal(week, '2026-10-04T22:00:00Z')).toBeNull(); // Monday 05/10 00:00 Paris
  });

  it('holds across the change to summer time (29/03/2026) and back to winter time (25/10/2026)', () => {
    // Sunday 29/03/2026: 02:00 CET becomes 03:00 CEST. Monday 00:30 CEST = Sunday 22:30Z.
    const march = sent(
      '2026-03-28T10:00:00Z',
      '2026-03-29T00:30:00Z',
      '2026-03-29T01:30:00Z',
      '2026-03-29T10:00:00Z',
      '2026-03-29T21:00:00Z',
    );
    expect(refusal(march, '2026-03-29T21:30:00Z')?.detail).toBe('week limit reached (5)'); // Sunday 23:30 CEST
    expect(parisWeekStart(new Date('2026-03-29T22:30:00Z'))).toBe('2026-03-30');
    expect(refusal(march, '2026-03-29T22:30:00Z')).toBeNull(); // Monday 00:30 CEST
    // Sunday 25/10/2026: 03:00 CEST becomes 02:00 CET (the hour 02:00–03:00 happens twice). Monday 00:30 CET = Sunday 23:30Z.
    const october = sent(
      '2026-10-25T00:15:00Z',
      '2026-10-25T00:45:00Z',
      '2026-10-25T01:15:00Z',
      '2026-10-25T01:45:00Z',
      '2026-10-25T12:00:00Z',
    );
    expect(refusal(october, '2026-10-25T22:30:00Z')?.detail).toBe('week limit reached (5)'); // Sunday 23:30 CET
    expect(refusal(october, '2026-10-25T23:30:00Z')).toBeNull(); // Monday 26/10 00:30 CET
  });

  it('at the year boundary: ISO week 53 of 2026 runs into 2027, week 1 starts Monday 04/01/2027', () => {
    // Monday 28/12/2026 – Sunday 03/01/2027 is ISO week 2026-W53.
    expect(parisWeekStart(new Date('2027-01-02T12:00:00Z'))).toBe('2026-12-28');
    const endOfYear = sent(
      '2026-12-28T08:00:00Z',
      '2026-12-29T08:00:00Z',
      '2026-12-30T08:00:00Z',
      '2026-12-31T08:00:00Z',
      '2026-12-31T22:30:00Z',
    );
    // The last one is 31/12 23:30 Paris: December's. Friday 01/01/2027 00:30 Paris (23:30Z): new month and year, same week.
    expect(usageOf(endOfYear, R, new Date('2026-12-31T23:30:00Z'))).toEqual({ week: 5, month: 0 });
    expect(refusal(endOfYear, '2026-12-31T23:30:00Z')?.detail).toBe('week limit reached (5)');
    expect(refusal(endOfYear, '2027-01-03T22:30:00Z')?.detail).toBe('week limit reached (5)'); // Sunday 03/01 23:30
    expect(refusal(endOfYear, '2027-01-03T23:30:00Z')).toBeNull(); // Monday 04/01/2027 00:30: week 1
  });

  it('counts only the same requester’s counted communications', () => {
    const mixed: CountedCommunication[] = [
      ...sent('2026-12-07T08:00:00Z', '2026-12-07T09:00:00Z', '2026-12-07T10:00:00Z', '2026-12-07T11:00:00Z'),
      { requesterKey: R, at: '2026-12-07T12:00:00Z', counted: false },
      { requesterKey: 'autre', at: '2026-12-07T12:00:00Z', counted: true },
    ];
    expect(refusal(mixed, '2026-12-07T13:00:00Z')).toBeNull();
  });
});
