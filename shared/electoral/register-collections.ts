/** The synced registers of issue 10 (polls, procurations, L.37, L.68, bureaux, the street table of the découpage), spread into the electoral domain's collections. */
import { collection } from '../domain/spec.js';
import {
  bureauSchema,
  checkBureauWrite,
  checkCommunicationWrite,
  checkConsultationWrite,
  checkPollWrite,
  checkProcurationWrite,
  communicationSchema,
  consultationSchema,
  pollSchema,
  procurationSchema,
} from './registers.js';
import { checkStreetWrite, streetRangeSchema } from './streets.js';

const STALE = 'Ce registre a été modifié sur un autre poste entre-temps : rouvrez l’écran pour voir la version à jour.';
const register = { writer: 'client', read: 'electoral.read', write: 'electoral.demand', staleMessage: STALE } as const;

export const registerCollections = {
  'electoral.polls': collection({ ...register, schema: pollSchema, checkWrite: checkPollWrite }),
  'electoral.procurations': collection({ ...register, schema: procurationSchema, checkWrite: checkProcurationWrite }),
  'electoral.communications': collection({ ...register, schema: communicationSchema, checkWrite: checkCommunicationWrite }),
  'electoral.consultations': collection({ ...register, schema: consultationSchema, checkWrite: checkConsultationWrite }),
  'electoral.bureaux': collection({ ...register, schema: bureauSchema, checkWrite: checkBureauWrite }),
  'electoral.streets': collection({ ...register, schema: streetRangeSchema, checkWrite: checkStreetWrite }),
};
