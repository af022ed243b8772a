import { describe, expect, it } from 'vitest';
import { checkDemandContent } from './demand-content.js';
import { demandTimers, runningTimers, timerText } from './demand-timers.js';
import { answerWindow, answerWindowText, checkAnswerWindow, radiationsToDecide } from './radiation-notice.js';
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

describe('answer window of a radiation notice (fixed clock)', () => {
  const radiation = (over: Partial<Demand>) => demand({ kind: 'radiation', electorId: 'E1', justificatifs: [], ...over });

  it('runs 15 calendar days from the notice, then lists the radiation as due; no 5-day timer meanwhile', () => {
    // Notice sent Tuesday 03/03/2026: the elector may answer until Wednesday 18/03; decided from the 19th.
    const d = radiation({ depositDate: '2026-03-02', noticeDate: '2026-03-03' });
    expect(demandTimers(d, '2026-03-10')).toEqual([]);
    expect(answerWindowText('2026-03-03')).toBe("Délai de réponse jusqu'au 18/03/2026");
    expect(answerWindow(d, '2026-03-18')).toEqual({ demandId: 'd1', until: '2026-03-18', daysLeft: 0, due: false });
    expect(radiationsToDecide([d], '2026-03-18')).toEqual([]);
    expect(radiationsToDecide([d, radiation({ id: 'no-notice', noticeDate: null })], '2026-03-19').map((w) => w.demandId)).toEqual(['d1']);
    // Decided (either way) or abandoned: nothing waits any more.
    expect(answerWindow({ ...d, status: 'abandonnee' }, '2026-03-19')).toBeNull();
  });

  it('refuses a radiation accepted inside the window, on the PC and on the hub alike (one rule)', () => {
    const d = radiation({ depositDate: '2026-03-02', noticeDate: '2026-03-03', status: 'acceptee', decisionDate: '2026-03-18' });
    expect(checkDemandContent(d, '2026-03-20')?.message).toBe(
      'L’électeur a 15 jours pour répondre au préavis envoyé le 03/03/2026 : la radiation ne peut être décidée qu’à partir du 19/03/2026.',
    );
    expect(checkDemandContent({ ...d, decisionDate: '2026-03-19' }, '2026-03-20')).toBeNull();
    // Keeping the elector (a refusal of the radiation) needs no wait: the answer may have come early.
    expect(checkDemandContent({ ...d, status: 'refusee', refusalReason: 'Attache justifiée.' }, '2026-03-20')).toBeNull();
    expect(checkAnswerWindow({ ...d, kind: 'inscription' })).toBeNull();
  });
});
