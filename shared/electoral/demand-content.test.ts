import { describe, expect, it } from 'vitest';
import { cerfaOf, checkDemandContent, checkDemandUpdate, missingPieces, requiredPieces } from './demand-content.js';
import { syntheticFollowUp } from './synthetic-demand.js';
import type { Demand } from './types.js';

const TODAY = '2026-03-05';
const demand = (over: Partial<Demand> = {}): Demand => ({
  id: 'd1',
  kind: 'inscription',
  status: 'deposee',
  electorId: null,
  applicant: { birthName: 'MARTIN', usageName: null, firstNames: 'Jeanne', birthDate: '1990-01-02' },
  newAddress: '1 rue Haute',
  newBureauCode: null,
  comment: null,
  createdBy: 'secretaire',
  createdAtLocal: '2026-03-04T10:00:00',
  ...syntheticFollowUp('2026-03-04'),
  ...over,
});
const message = (d: Demand) => checkDemandContent(d, TODAY)?.message ?? null;

describe('what a demand must hold (Cerfa checklist, dates)', () => {
  it('asks each Cerfa for its pieces', () => {
    expect(cerfaOf('inscription', 'LP')).toBe('Cerfa n° 12669*02');
    expect(cerfaOf('inscription', 'LCM')).toBe('Cerfa n° 12670*02');
    expect(cerfaOf('inscription', 'LCE')).toBe('Cerfa n° 12671*02');
    expect(cerfaOf('radiation', 'LP')).toBeNull();
    expect(requiredPieces('inscription', 'LCE')).toEqual(['identite', 'attache', 'declaration_ue']);
    expect(requiredPieces('changement_adresse', 'LP')).toEqual(['attache']);
    expect(requiredPieces('radiation', 'LP')).toEqual([]);
    expect(missingPieces(demand({ justificatifs: [] }))).toEqual(['identite', 'attache']);
  });

  it('refuses impossible and future dates, and dates out of order', () => {
    expect(message(demand())).toBeNull();
    expect(message(demand({ depositDate: '2026-02-29' }))).toMatch(/^La date de dépôt n'est pas une date qui existe/);
    expect(message(demand({ depositDate: '2026-03-06' }))).toBe('La date de dépôt (06/03/2026) ne peut pas être dans le futur.');
    expect(message(demand({ applicant: { ...demand().applicant, birthDate: '1990-13-01' } }))).toMatch(/date de naissance n'existe pas/);
    expect(message(demand({ applicant: { ...demand().applicant, birthDate: '1880-01-01' } }))).toMatch(/plus de 130 ans/);
    expect(message(demand({ applicant: { ...demand().applicant, birthDate: '2026-03-05' }, depositDate: '2026-03-04' }))).toBe(
      'La date de dépôt ne peut pas précéder la date de naissance.',
    );
    expect(message(demand({ status: 'acceptee', decisionDate: '2026-03-05', notificationDate: '2026-03-04' }))).toBe(
      'La notification ne peut pas précéder la décision.',
    );
    // A listed elector keeps the REU's unknown day (00): not for a new inscription.
    expect(
      message(
        demand({ kind: 'radiation', electorId: 'E1', noticeDate: null, applicant: { ...demand().applicant, birthDate: '1943-00-00' } }),
      ),
    ).toBeNull();
    expect(message(demand({ applicant: { ...demand().applicant, birthDate: '1943-00-00' } }))).toMatch(/date de naissance n'existe pas/);
  });

  it('keeps the complementary lists to other EU citizens', () => {
    expect(message(demand({ list: 'LCM', nationality: 'BE' }))).toBeNull();
    expect(message(demand({ list: 'LCM', nationality: null }))).toBe('Indiquez la nationalité du demandeur (liste complémentaire).');
    expect(message(demand({ list: 'LCE', nationality: 'FR' }))).toMatch(/réservées aux citoyens d'un autre État membre/);
    expect(message(demand({ list: 'LP', nationality: 'DE' }))).toMatch(/^La liste principale est réservée aux Français/);
  });

  it('keeps every piece and every recorded step once written', () => {
    const before = demand({ status: 'acceptee', decisionDate: '2026-03-04' });
    expect(checkDemandUpdate(before, { ...before, justificatifs: before.justificatifs.slice(1) })?.code).toBe('forbidden');
    expect(checkDemandUpdate(before, { ...before, decisionDate: '2026-03-05' })?.code).toBe('conflict');
    expect(checkDemandUpdate(before, { ...before, notificationDate: '2026-03-05' })).toBeNull();
    // A demand stored before these fields existed (the hub's JSON) updates without error.
    const legacy = { ...before } as Partial<Demand>;
    delete legacy.justificatifs;
    delete legacy.list;
    expect(checkDemandUpdate(legacy as Demand, { ...before })).toBeNull();
  });
});
