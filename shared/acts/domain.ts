import { collection, command, defineDomain } from '../domain/spec.js';
import { classificationSchema } from './classification.js';
import { ACTS_HUB_ROUTES } from './hub-routes.js';
import { ANSWER_COMMAND, actIdPayloadSchema, answerPayloadSchema, CANCEL_COMMAND, TRANSMIT_COMMAND } from './commands.js';
import { actsInputs, type ActsChannels, type ActsEvents } from './ipc.js';
import { actRecordSchema, actStatusRecordSchema } from './records.js';
import { checkActWrite } from './rules.js';

/** Contrôle de légalité: acts drafted and signed in the town hall, sent by the hub to the prefecture (ACTES). */
export const actsDomain = defineDomain<ActsChannels, ActsEvents>()({
  id: 'acts',
  service: 'acts',
  permissions: {
    // Acts are public documents once adopted: every role may follow them.
    'acts.read': { label: 'Suivre les actes', roles: ['maire', 'secretaire', 'consultation'] },
    'acts.draft': { label: 'Préparer les actes', roles: ['maire', 'secretaire'] },
    'acts.transmit': { label: 'Signer et transmettre les actes à la préfecture', roles: ['maire'] },
  },
  collections: {
    'acts.acts': collection({
      writer: 'client',
      read: 'acts.read',
      write: 'acts.draft',
      schema: actRecordSchema,
      checkWrite: checkActWrite,
    }),
    'acts.status': collection({ writer: 'hub', read: 'acts.read', schema: actStatusRecordSchema }),
    'acts.classification': collection({ writer: 'hub', read: 'acts.read', schema: classificationSchema }),
  },
  commands: {
    [TRANSMIT_COMMAND]: command({ permission: 'acts.transmit', payload: actIdPayloadSchema }),
    [CANCEL_COMMAND]: command({ permission: 'acts.transmit', payload: actIdPayloadSchema }),
    [ANSWER_COMMAND]: command({ permission: 'acts.transmit', payload: answerPayloadSchema }),
  },
  channels: actsInputs,
  events: ['acts:upload-progress'],
  routes: ACTS_HUB_ROUTES,
});
