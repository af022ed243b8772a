import { describe, expect, it } from 'vitest';
import { syntheticDecision, syntheticFollowUp } from './synthetic-demand.js';
import { checkDemandStatusChange, checkDemandWrite } from './rules.js';
import { DEMAND_STATUSES, type Demand, type DemandStatus } from './types.js';

const demand = (status: DemandStatus, over: Partial<Demand> = {}): Demand => ({
  id: '3f0c2a52-8a4e-4d4b-9a57-5b3f4c1f6a10',
  kind: 'inscription',
  status,
  electorId: null,
  applicant: { birthName: 'MARTIN', usageName: null, firstNames: 'Jeanne', birthDate: '1990-01-02' },
  newAddress: null,
  newBureauCode: null,
  comment: null,
  createdBy: 'secretaire',
  createdAtLocal: '2026-11-28T10:00:00',
  ...syntheticFollowUp('2026-11-28'),
  ...syntheticDecision(status),
  ...over,
});
const mayor = (p: string) => ['electoral.read', 'electoral.demand', 'electoral.decide'].includes(p);
const secretary = (p: string) => ['electoral.read', 'electoral.demand'].includes(p);

describe('demand write rule (PC comfort check and hub law)', () => {
  it('creates a demand « déposée » only', () => {
    expect(checkDemandWrite({ before: null, after: demand('deposee'), may: secretary })).toBeNull();
    for (const status of DEMAND_STATUSES.filter((s) => s !== 'deposee'))
      expect(checkDemandWrite({ before: null, after: demand(status), may: mayor })).toMatchObject({
        code: 'invalid_input',
        message: 'Une nouvelle demande est toujours enregistrée au statut « Déposée ».',
      });
  });

  it('never deletes a demand, whoever asks', () => {
    for (const may of [mayor, secretary])
      expect(checkDemandWrite({ before: demand('deposee'), after: null, may })).toMatchObject({
        code: 'forbidden',
        message: 'Une demande ne peut pas être supprimée : passez-la au statut « Abandonnée ».',
      });
  });

  it('lets only the mayor accept or refuse', () => {
    for (const to of ['acceptee', 'refusee'] as const) {
      expect(checkDemandWrite({ before: demand('instruction'), after: demand(to), may: mayor })).toBeNull();
      expect(checkDemandWrite({ before: demand('instruction'), after: demand(to), may: secretary })).toMatchObject({
        code: 'forbidden',
        message: 'Seul le maire peut accepter ou refuser une demande.',
      });
    }
    // The secretary instructs and abandons.
    expect(checkDemandStatusChange('deposee', 'instruction', secretary)).toBeNull();
    expect(checkDemandStatusChange('instruction', 'abandonnee', secretary)).toBeNull();
  });

  it('keeps a closed demand closed, even for the mayor', () => {
    expect(checkDemandWrite({ before: demand('acceptee'), after: demand('instruction'), may: mayor })).toMatchObject({
      code: 'conflict',
      message: 'Cette demande est close (Acceptée) : son statut ne peut plus changer.',
    });
    expect(checkDemandStatusChange('abandonnee', 'deposee', mayor)?.message).toBe(
      'Cette demande est close (Abandonnée) : son statut ne peut plus changer.',
    );
    expect(checkDemandStatusChange('refusee', 'refusee', secretary)).toBeNull();
  });

  it('never goes back to « déposée »', () => {
    expect(checkDemandStatusChange('instruction', 'deposee', mayor)).toMatchObject({
      code: 'invalid_input',
      message: 'Une demande ne peut pas revenir au statut « Déposée ».',
    });
  });

  it('keeps the subject of a demand, lets its comment and address change', () => {
    const before = demand('instruction');
    for (const over of [
      { kind: 'radiation' as const },
      { electorId: 'E1' },
      { createdBy: 'autre' },
      { createdAtLocal: '2026-12-01T08:00:00' },
    ]) {
      const refusal = checkDemandWrite({ before, after: { ...before, ...over }, may: mayor });
      expect(refusal).toMatchObject({
        code: 'invalid_input',
        message: "L'objet d'une demande déposée ne peut pas être modifié : créez une nouvelle demande.",
      });
      expect(refusal?.detail).toBe(`fixed fields changed: ${Object.keys(over)[0]}`);
    }
    expect(checkDemandWrite({ before, after: { ...before, comment: 'Pièce reçue.', newBureauCode: '2' }, may: secretary })).toBeNull();
  });

  it('never puts personal data in the detail it logs', () => {
    const before = demand('deposee');
    const refusal = checkDemandWrite({ before, after: { ...before, electorId: 'E1', status: 'acceptee' }, may: secretary });
    expect(refusal?.detail).not.toContain('MARTIN');
    expect(refusal?.detail).not.toContain('E1');
  });
});
