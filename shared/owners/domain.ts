import { z } from 'zod';
import { collection, command, defineDomain } from '../domain/spec.js';
import { OWNERS_HUB_ROUTES } from './hub-routes.js';
import { type OwnersChannels, ownersInputs } from './ipc.js';
import { PARCEL_ID_PATTERN } from './parcel-id.js';
import { communicationSchema, compteSchema, JOURNAL_KINDS, journalEntrySchema, majicImportRecordSchema } from './types.js';

export const OWNERS_CONSULT_COMMAND = 'owners.consult';

/** A consultation the PC logs (offline-friendly): the hub stamps who and when. */
export const consultPayloadSchema = z.object({
  id: z.uuid(),
  kind: z.enum(JOURNAL_KINDS),
  compteId: z.string().max(12),
  parcels: z.array(z.string().regex(PARCEL_ID_PATTERN)).max(500),
  forWhom: z.string().max(120),
  purpose: z.string().trim().min(3).max(300),
});
export type ConsultPayload = z.infer<typeof consultPayloadSchema>;

/**
 * Owners of the cadastre (DGFiP MAJIC): personal data. The département loads
 * it for collectivités with the `majic` service; only users the mayor named
 * (`owners.read`, granted user by user) receive it; every consultation and
 * communication is logged, and the mayor reads the log.
 */
export const ownersDomain = defineDomain<OwnersChannels>()({
  id: 'owners',
  service: 'majic',
  permissions: {
    'owners.read': { label: 'Consultation des propriétaires (MAJIC, données personnelles)', roles: [], grantable: true },
    'owners.log': { label: 'Voir et exporter le journal des consultations des propriétaires', roles: ['maire'] },
  },
  collections: {
    'owners.comptes': collection({ writer: 'hub', read: 'owners.read', schema: compteSchema }),
    'owners.communications': collection({ writer: 'hub', read: 'owners.read', schema: communicationSchema }),
    'owners.journal': collection({ writer: 'hub', read: 'owners.log', schema: journalEntrySchema }),
    'owners.imports': collection({ writer: 'hub', read: 'owners.read', schema: majicImportRecordSchema }),
  },
  commands: {
    [OWNERS_CONSULT_COMMAND]: command({ permission: 'owners.read', payload: consultPayloadSchema }),
  },
  channels: ownersInputs,
  events: [],
  routes: OWNERS_HUB_ROUTES,
});
