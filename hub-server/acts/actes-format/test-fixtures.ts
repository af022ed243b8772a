import type { ActeInput } from './build-acte.js';
import type { CommuneIdentity, TiersIdentity } from './identities.js';

/** Sample identities and acts shared by the ACTES tests, the simulator's tests and the bench. */
export const tiers: TiersIdentity = {
  trigramme: 'GUI',
  quadrigramme: 'EACT',
  mailbox: 'actes@hub.departement.test',
  referent: { nom: 'Guichet départemental', telephone: '0325000000', email: 'support@hub.departement.test' },
};
export const commune: CommuneIdentity = {
  siren: '211003876',
  departement: '010',
  arrondissement: '3',
  nature: '31',
  email: 'mairie@troyes.test',
};
export const pdf = Buffer.from('%PDF-1.4\n%âãÏÓ\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n', 'latin1');
export const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0]);

export function sampleActe(over: Partial<ActeInput> = {}): ActeInput {
  return {
    commune,
    numeroInterne: 'DEL2026_042',
    decisionDate: '2026-11-20',
    codeNatureActe: 1,
    matieres: [8, 3, 1],
    objet: 'Dénomination de la rue « Œuvre » & place de l’Église',
    classificationDateVersion: '2019-04-18',
    documentPapier: false,
    act: { content: pdf, typology: '99_DE' },
    annexes: [
      { content: png, typology: '22_PN' },
      { content: pdf, typology: '99_SE' },
    ],
    ...over,
  };
}
