import { electorBaseId } from './elector-id.js';
import { collection, command, defineDomain } from '../domain/spec.js';
import { electoralInputs, type ElectoralChannels, type ElectoralEvents } from './ipc.js';
import { pollsInputs, type PollsChannels, type PollsEvents } from './polls-ipc.js';
import { demandFiles, ELECTORAL_HUB_ROUTES, JUSTIFICATIF_RETENTION_DAYS } from './justificatif-files.js';
import { registerCollections } from './register-collections.js';
import { checkDemandWrite } from './rules.js';
import { ELECTORAL_IMPORT_COMMAND, electoralImportPayloadSchema, electorSchema, importRecordSchema } from './schemas.js';
import { demandSchema } from './types.js';

/** Listes électorales: the REU extract held by the hub, demands written by the town hall. */
export const electoralDomain = defineDomain<ElectoralChannels & PollsChannels, ElectoralEvents & PollsEvents>()({
  id: 'electoral',
  service: 'electoral',
  permissions: {
    'electoral.read': { label: 'Consulter la liste électorale (données personnelles)', roles: ['maire', 'secretaire'] },
    'electoral.import': { label: 'Importer l’extrait du REU', roles: ['maire', 'secretaire'] },
    'electoral.demand': { label: 'Enregistrer et instruire les demandes', roles: ['maire', 'secretaire'] },
    'electoral.decide': { label: 'Accepter ou refuser une demande', roles: ['maire'] },
  },
  collections: {
    'electoral.electors': collection({ writer: 'hub', read: 'electoral.read', schema: electorSchema, derivedId: electorBaseId }),
    'electoral.demands': collection({
      writer: 'client',
      read: 'electoral.read',
      write: 'electoral.demand',
      schema: demandSchema,
      checkWrite: checkDemandWrite,
      files: demandFiles,
      staleMessage: 'Cette demande a été modifiée sur un autre poste entre-temps : rouvrez-la pour voir la version à jour.',
    }),
    'electoral.imports': collection({ writer: 'hub', read: 'electoral.read', schema: importRecordSchema }),
    ...registerCollections,
  },
  commands: {
    [ELECTORAL_IMPORT_COMMAND]: command({ permission: 'electoral.import', payload: electoralImportPayloadSchema }),
  },
  channels: { ...electoralInputs, ...pollsInputs },
  events: ['electoral:import-progress', 'electoral:print-progress'],
  routes: ELECTORAL_HUB_ROUTES,
  fileRetentionDays: JUSTIFICATIF_RETENTION_DAYS,
});
