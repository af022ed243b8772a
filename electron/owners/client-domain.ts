import { ownersDomain } from '../../shared/owners/domain.js';
import type { ClientDomain } from '../core/client-domain.js';
import { OWNERS_MIGRATIONS } from './migrations/index.js';
import { createOwnersModule } from './module.js';

/**
 * Owners (MAJIC) on the PC: personal data, for the users the mayor named. Stored encrypted at rest
 * (AES-256-GCM, key in the platform's secret store), searched in memory, wiped when the session ends.
 */
export const ownersClient: ClientDomain = {
  spec: ownersDomain,
  migrations: OWNERS_MIGRATIONS,
  create: (ctx) => createOwnersModule(ctx),
};
