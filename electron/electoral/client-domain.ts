import { electoralDomain } from '../../shared/electoral/domain.js';
import type { ClientDomain } from '../core/client-domain.js';
import { ELECTORAL_MIGRATIONS } from './migrations/index.js';
import { createElectoralModule } from './module.js';

/** Listes électorales on the PC: the REU import, the replicated list, the demands. */
export const electoralClient: ClientDomain = {
  spec: electoralDomain,
  migrations: ELECTORAL_MIGRATIONS,
  create: (ctx) => createElectoralModule(ctx),
};
