/**
 * Fixtures for the acts tests: the classification of a prefecture (as the hub
 * syncs it), a délibération PDF made with pdf-lib, and a helper laying hub
 * records (status, classification) through the real LocalCollections.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Classification } from '../../shared/acts/classification.js';
import type { CreateActInput } from '../../shared/acts/ipc.js';
import type { ActStatusRecord } from '../../shared/acts/records.js';
import type { CollectionName } from '../../shared/sync/protocol.js';
import type { LocalCollection } from '../core/context.js';
import { makePdf } from '../signing/test-fixtures.js';

export const CLASSIFICATION: Classification = {
  dateClassification: '2025-01-15',
  natures: [
    {
      code: 1,
      libelle: 'Délibérations',
      typeAbrege: 'DE',
      typologies: [
        { code: '99_DE', libelle: 'Délibération' },
        { code: '22_PN', libelle: 'Plans' },
      ],
    },
    { code: 3, libelle: 'Actes individuels', typeAbrege: 'AI', typologies: [{ code: '99_AI', libelle: 'Acte individuel' }] },
    {
      code: 5,
      libelle: 'Documents budgétaires et financiers',
      typeAbrege: 'BF',
      typologies: [{ code: '99_BU', libelle: 'Document budgétaire' }],
    },
  ],
  matieres: [
    { code: 1, libelle: 'Commande publique', children: [{ code: 1, libelle: 'Marchés publics', children: [] }] },
    { code: 7, libelle: 'Finances locales', children: [{ code: 1, libelle: 'Décisions budgétaires', children: [] }] },
  ],
};

export async function deliberationPdf(dir: string, name = 'deliberation.pdf'): Promise<Uint8Array<ArrayBuffer>> {
  const path = join(dir, name);
  await makePdf(path, { objectStreams: false });
  return new Uint8Array(readFileSync(path));
}

export function draftInput(pdf: Uint8Array<ArrayBuffer>, overrides: Partial<CreateActInput> = {}): CreateActInput {
  return {
    numeroInterne: 'DEL2026_012',
    decisionDate: '2026-03-02',
    codeNatureActe: 1,
    matieres: [1, 1],
    objet: 'Travaux de voirie rue des Écoles',
    actTypology: '99_DE',
    actFile: { fileName: 'deliberation.pdf', content: pdf },
    annexes: [],
    ...overrides,
  };
}

export function applyHubRecord(collections: LocalCollection[], collection: CollectionName, id: string, data: unknown, version = 1): void {
  const c = collections.find((x) => x.name === collection);
  if (!c) throw new Error(`no collection ${collection}`);
  c.apply({ collection, id, version, deleted: false, data });
}

export function acknowledgedStatus(actId: string, idActe: string): ActStatusRecord {
  return {
    actId,
    state: 'acquitte',
    idActe,
    dateReception: '2026-03-04',
    archiveName: `EACT--211003876--20260304-1.tar.gz`,
    timeline: [
      { at: '2026-03-04T08:00:00.000Z', state: 'transmis', label: 'Transmis à la préfecture' },
      { at: '2026-03-04T08:05:00.000Z', state: 'acquitte', label: 'Accusé de réception reçu', detail: `IDActe ${idActe}` },
    ],
    letters: [],
    error: null,
  };
}
