import { defineDomain } from '../domain/spec.js';
import { ASSISTANCE_HUB_ROUTES } from './hub-routes.js';
import { type AssistanceChannels, type AssistanceEvents, assistanceInputs } from './ipc.js';

/** Assistance à distance: the PC asks, the département's agent sees the app (masked) and, with consent, takes the hand. */
export const assistanceDomain = defineDomain<AssistanceChannels, AssistanceEvents>()({
  id: 'assistance',
  service: 'assistance',
  permissions: {
    // Anyone at the counter may need help, whatever their role.
    'assistance.request': { label: "Demander l'aide du département", roles: ['maire', 'secretaire', 'consultation'] },
    'assistance.history': { label: "Voir les sessions d'assistance passées", roles: ['maire'] },
  },
  collections: {},
  commands: {},
  channels: assistanceInputs,
  events: ['assistance:state', 'assistance:input'],
  routes: ASSISTANCE_HUB_ROUTES,
});
