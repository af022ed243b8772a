import { assistanceDomain } from '../../shared/assistance/domain.js';
import type { HubDomain } from '../domain/hub-domain.js';
import { registerAssistanceRoutes } from './routes.js';

/** Remote assistance on the hub: the session and its code, the relay between the PC and the agent, the audit. */
export const assistanceHub = {
  spec: assistanceDomain,
  routes: registerAssistanceRoutes,
  commands: {},
} satisfies HubDomain;
