import type { Classification } from '../../../shared/acts/classification.js';
import type { ActDetail } from '../../../shared/acts/ipc.js';
import type { ActStatusRecord } from '../../../shared/acts/records.js';

/** Canned data for the component tests of these screens. */
export const classification: Classification = {
  dateClassification: '2026-01-15',
  natures: [
    {
      code: 1,
      libelle: 'Délibérations',
      typeAbrege: 'DE',
      typologies: [
        { code: '99_DE', libelle: 'Délibération' },
        { code: '22_DP', libelle: 'Document de présentation' },
      ],
    },
    {
      code: 3,
      libelle: 'Actes individuels',
      typeAbrege: 'AI',
      typologies: [
        { code: '99_AI', libelle: 'Acte individuel' },
        { code: '22_AR', libelle: 'Arrêté' },
      ],
    },
  ],
  matieres: [
    { code: 1, libelle: 'Commande publique', children: [{ code: 1, libelle: 'Marchés publics', children: [] }] },
    {
      code: 7,
      libelle: 'Finances locales',
      children: [{ code: 1, libelle: 'Décisions budgétaires', children: [{ code: 2, libelle: 'Budget supplémentaire', children: [] }] }],
    },
  ],
};

export const ACT_ID = '00000000-0000-4000-8000-00000000a001';
const SHA = 'a'.repeat(64);

export function actDetail(
  over: { signed?: boolean; transmit?: boolean; status?: Partial<ActStatusRecord> | null; pending?: boolean } = {},
): ActDetail {
  return {
    act: {
      id: ACT_ID,
      draft: {
        numeroInterne: '2026_045',
        decisionDate: '2026-11-20',
        codeNatureActe: 1,
        matieres: [7, 1],
        objet: 'Tarifs de la cantine scolaire 2027',
        classificationDateVersion: '2026-01-15',
        documentPapier: false,
        act: { fileName: 'deliberation.pdf', size: 120_000, kind: 'pdf', typology: '99_DE' },
        annexes: [],
      },
      actFile: { sha256: SHA, fileName: 'deliberation.pdf', size: 120_000, mime: 'application/pdf' },
      annexFiles: [],
      signature: over.signed ? { signerName: 'Anne Maire', signedAtLocal: '2026-11-28T10:00:00Z', certificateSerial: '01' } : null,
      transmitRequested: over.transmit ?? false,
      createdBy: 'Claire Martin',
      createdAtLocal: '2026-11-28T09:00:00Z',
    },
    status:
      over.status === undefined || over.status === null
        ? null
        : {
            actId: ACT_ID,
            state: 'transmis',
            idActe: null,
            dateReception: null,
            archiveName: null,
            timeline: [],
            letters: [],
            error: null,
            ...over.status,
          },
    pending: over.pending ?? false,
    uploads: [{ sha256: SHA, fileName: 'deliberation.pdf', size: 120_000, uploaded: 0 }],
  };
}

export const certificate = {
  id: 'c1',
  holder: 'Anne Maire',
  organisation: 'Mairie de Troyes',
  issuer: 'AC Test RGS',
  serial: '01',
  notBefore: '2026-01-01T00:00:00Z',
  notAfter: '2029-01-01T00:00:00Z',
};
