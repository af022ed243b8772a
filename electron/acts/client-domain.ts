import { actsDomain } from '../../shared/acts/domain.js';
import type { ClientDomain } from '../core/client-domain.js';
import { ACTS_MIGRATIONS } from './migrations/index.js';
import { createActsModule } from './module.js';

/** Contrôle de légalité on the PC: drafting, signing, the commands to the hub, the files uploaded before a push. */
export const actsClient: ClientDomain = {
  spec: actsDomain,
  migrations: ACTS_MIGRATIONS,
  create: (ctx) => createActsModule(ctx),
};
