import { describe, expect, it } from 'vitest';
import { frenchDay, parisDay } from './calendar.js';

describe('calendar', () => {
  it('parisDay is the civil day in Paris, whatever the machine time zone', () => {
    // 23:30 UTC on 31 December is already 1 January in Paris (UTC+1 in winter).
    expect(parisDay(new Date('2026-12-31T23:30:00Z'))).toBe('2027-01-01');
    // 21:30 UTC on 30 June is still 30 June in Paris (UTC+2 in summer).
    expect(parisDay(new Date('2026-06-30T21:30:00Z'))).toBe('2026-06-30');
    expect(parisDay(new Date('2026-06-30T22:30:00Z'))).toBe('2026-07-01');
  });

  it('frenchDay writes JJ/MM/AAAA and keeps what it cannot read', () => {
    expect(frenchDay('2026-11-20')).toBe('20/11/2026');
    expect(frenchDay('2026-11-20T09:00:00.000Z')).toBe('20/11/2026');
    expect(frenchDay('1950-00-00')).toBe('00/00/1950');
    expect(frenchDay('')).toBe('');
    expect(frenchDay('hier')).toBe('hier');
  });
});
