import { collection, defineDomain } from '../domain/spec.js';
import { type CadastreChannels, cadastreInputs } from './ipc.js';
import { featureRecordSchema, parcelRecordSchema, vintageRecordSchema } from './records.js';

/**
 * Le plan cadastral (PCI vecteur, open data): loaded by the département on
 * the hub, sent to each collectivité for its territory only, consulted
 * offline on the PC. Owners (MAJIC) are another domain: `owners`.
 */
export const cadastreDomain = defineDomain<CadastreChannels>()({
  id: 'cadastre',
  service: 'cadastre',
  permissions: {
    // The plan is open data (CRPA L311-1): every role of a collectivité with the service may consult it.
    'cadastre.read': { label: 'Consulter le plan cadastral', roles: ['maire', 'secretaire', 'consultation'] },
  },
  collections: {
    'cadastre.parcels': collection({ writer: 'hub', read: 'cadastre.read', schema: parcelRecordSchema }),
    'cadastre.features': collection({ writer: 'hub', read: 'cadastre.read', schema: featureRecordSchema }),
    'cadastre.vintages': collection({ writer: 'hub', read: 'cadastre.read', schema: vintageRecordSchema }),
  },
  commands: {},
  channels: cadastreInputs,
  events: [],
});
