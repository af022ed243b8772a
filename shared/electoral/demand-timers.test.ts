import { describe, expect, it } from 'vitest';
import { demandTimers, runningTimers, timerText } from './demand-timers.js';
import { syntheticFollowUp } from './synthetic-demand.js';
import type { Demand } from './types.js';

const demand = (over: Partial<Demand>): Demand => ({
  id: over.id ?? 'd1',
  kind: 'inscription',
  status: 'deposee',
  electorId: null,
  applicant: { birthName: 'MARTIN', usageName: null, firstNames: 'Jeanne', birthDate: '1990-01-02' },
  newAddress: null,
  newBureauCode: null,
  comment: null,
  createdBy: 'secretaire',
  createdAtLocal: '2026-11-28T10:00:00',
  ...syntheticFollowUp('2026-11-28'),
  ...over,
});

describe('legal timers of a demand (fixed clock)', () => {
  it('gives the maire 5 calendar days from the deposit, weekends included', () => {
    // Deposited Friday 27/11/2026: the 5th calendar day is Wednesday 02/12.
    const d = demand({ depositDate: '2026-11-27' });
    expect(demandTimers(d, '2026-11-27')).toEqual([{ demandId: 'd1', step: 'decision', due: '2026-12-02', daysLeft: 5, late: false }]);
    expect(demandTimers(d, '2026-12-02')[0]).toMatchObject({ daysLeft: 0, late: false });
    expect(demandTimers(d, '2026-12-04')[0]).toMatchObject({ daysLeft: -2, late: true });
    expect(timerText(demandTimers(d, '2026-12-04')[0]!)).toBe('En retard de 2 jours');
    expect(timerText(demandTimers(d, '2026-12-02')[0]!)).toBe("Dernier jour aujourd'hui");
    expect(timerText(demandTimers(d, '2026-12-01')[0]!)).toBe('Reste 1 jour');
  });

  it('runs the notification and the REU transmission for 2 days after the decision, across a month end', () => {
    const d = demand({ status: 'acceptee', depositDate: '2026-01-28', decisionDate: '2026-01-30' });
    expect(demandTimers(d, '2026-02-02').map((t) => [t.step, t.due, t.late])).toEqual([
      ['notification', '2026-02-01', true],
      ['reu', '2026-02-01', true],
    ]);
    const notified = { ...d, notificationDate: '2026-01-31' };
    expect(demandTimers(notified, '2026-01-31').map((t) => t.step)).toEqual(['reu']);
    expect(demandTimers({ ...notified, reuTransmittedDate: '2026-01-31' }, '2026-03-01')).toEqual([]);
    // A refusal is notified, never transmitted.
    expect(demandTimers(demand({ status: 'refusee', decisionDate: '2026-01-30' }), '2026-01-30').map((t) => t.step)).toEqual([
      'notification',
    ]);
  });

  it('stops for abandoned demands and lists the late ones first', () => {
    expect(demandTimers(demand({ status: 'abandonnee' }), '2026-12-30')).toEqual([]);
    const list = runningTimers(
      [
        demand({ id: 'a', depositDate: '2026-12-01' }),
        demand({ id: 'b', depositDate: '2026-11-20' }),
        demand({ id: 'c', depositDate: '2026-12-03' }),
      ],
      '2026-12-04',
    );
    expect(list.map((t) => [t.demandId, t.late])).toEqual([
      ['b', true],
      ['a', false],
      ['c', false],
    ]);
  });
});
