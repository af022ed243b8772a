import { randomUUID } from 'node:crypto';
import { syntheticDecision, syntheticFollowUp } from '../../shared/electoral/synthetic-demand.js';
import type { Demand, Elector, ImportRecord } from '../../shared/electoral/types.js';
import type { Mutation } from '../../shared/sync/protocol.js';

/** A PC's push of a new demand (`baseVersion` null), as mutation `mutationId`. */
export function demandUpsert(mutationId: number, data: Demand = makeDemand()): Mutation {
  return { mutationId, kind: 'upsert', collection: 'electoral.demands', recordId: data.id, baseVersion: null, data };
}

/** Test data shaped like real records (fictional people). */
export function makeDemand(overrides: Partial<Demand> = {}): Demand {
  return {
    id: randomUUID(),
    kind: 'inscription',
    status: 'deposee',
    electorId: null,
    applicant: { birthName: 'MARTIN', usageName: null, firstNames: 'Jeanne Alice', birthDate: '1990-01-02' },
    newAddress: null,
    newBureauCode: null,
    comment: null,
    createdBy: 'secretaire',
    createdAtLocal: '2026-11-28T10:00:00',
    ...syntheticFollowUp('2026-11-28'),
    ...syntheticDecision(overrides.status ?? 'deposee'),
    ...overrides,
  };
}

export function makeElector(n: number, overrides: Partial<Elector> = {}): Elector {
  return {
    id: `E${String(n).padStart(7, '0')}`,
    ine: String(100000000 + n),
    listType: 'LP',
    birthName: `NOM${n}`,
    usageName: null,
    firstNames: 'Camille Marie',
    sex: n % 2 === 0 ? 'F' : 'M',
    birthDate: '1970-00-00',
    birthPlace: { communeCode: '10387', communeLabel: 'Troyes', departementCode: '10', country: null },
    nationality: 'Française',
    address: {
      number: String(n % 200),
      street: 'RUE DE LA REPUBLIQUE',
      complement1: null,
      complement2: null,
      lieuDit: null,
      postalCode: '10000',
      city: 'TROYES',
      country: null,
    },
    bureau: { code: String(1 + (n % 4)), label: null },
    numeroOrdre: n,
    ...overrides,
  };
}

export function makeImportRecord(electors: number, overrides: Partial<ImportRecord> = {}): ImportRecord {
  return {
    id: randomUUID(),
    fileName: 'extraction_reu_2026-11-01.csv',
    fileSha256: 'a'.repeat(64),
    extractDate: '2026-11-01',
    importedAtLocal: '2026-11-28T10:00:00',
    importedBy: 'secretaire',
    counts: { LP: electors, LCM: 0, LCE: 0 },
    diff: { added: electors, removed: 0, changedBureau: 0, changedAddress: 0 },
    ...overrides,
  };
}

/** One valid record of each register of issue 10 (fictional people). */
export function makeRegisterRecords(): Record<string, Record<string, unknown> & { id: string }> {
  const stamp = { createdBy: 'secretaire', createdAtLocal: '2026-12-06T10:00:00' };
  return {
    'electoral.polls': { id: randomUUID(), kind: 'municipales', label: 'Municipales', date: '2027-03-14', commissionDate: null, ...stamp },
    'electoral.procurations': {
      id: randomUUID(),
      bureauCode: '0001',
      mandant: { name: 'MARTIN Jeanne', ine: '123456789', electorId: null },
      mandataire: { name: 'DURAND Paul', ine: '987654321' },
      validFrom: '2027-01-01',
      validTo: '2027-12-31',
      authority: 'Gendarmerie',
      source: 'saisie',
      keyedIntoReu: false,
      ...stamp,
    },
    'electoral.communications': {
      id: randomUUID(),
      requester: 'Liste Demain',
      quality: 'candidat',
      nonCommercialCommitment: true,
      date: '2026-12-04',
      extract: 'Liste principale',
      ...stamp,
    },
    'electoral.consultations': {
      id: randomUUID(),
      pollId: randomUUID(),
      pollDate: '2026-11-29',
      consultant: 'DUPONT Marc',
      date: '2026-12-06',
      bureauCode: null,
      ...stamp,
    },
    'electoral.bureaux': {
      id: String(1000 + Math.floor(Math.random() * 9000)),
      label: 'Mairie',
      address: '1 place de la Mairie',
      ...stamp,
    },
    'electoral.streets': {
      id: randomUUID(),
      street: 'Rue de la République',
      from: 2,
      to: 60,
      parity: 'pairs',
      bureauCode: '0001',
      ...stamp,
    },
  };
}
