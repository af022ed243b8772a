import { actsDomain } from '../../shared/acts/domain.js';
import type { HubDomain } from '../domain/hub-domain.js';
import { ACTS_COMMAND_HANDLERS } from './commands.js';
import { registerActsRoutes } from './routes.js';
import { startActesService, type ActesConfig, type ActesService } from './service.js';

/**
 * The legality-control domain on the hub: files and archive routes, the
 * transmit/cancel/answer commands, and — when the hub is configured as tiers
 * de télétransmission — the forwarder, the ways returns come in and the
 * classification publishing.
 */
export const actsHub = {
  spec: actsDomain,
  routes: registerActsRoutes,
  commands: ACTS_COMMAND_HANDLERS,
  start: ({ db, log }, config) => startActesService(db, config, log),
} satisfies HubDomain<ActesConfig, ActesService>;
