import { ownersDomain } from '../../shared/owners/domain.js';
import type { ClientDomain } from '../core/client-domain.js';

/**
 * Owners (MAJIC) on the PC: declared, not yet built. No local table on purpose: owner data is personal
 * and must be stored encrypted at rest (key in the platform's secret store) — until that store exists,
 * the sync engine skips owners records instead of writing them in clear.
 */
export const ownersClient: ClientDomain = {
  spec: ownersDomain,
  migrations: [],
  create() {
    return { handlers: {}, collections: [] };
  },
};
