import { accountsDomain } from '../../shared/accounts/domain.js';
import type { ClientDomain } from '../core/client-domain.js';
import { createAccountsHandlers } from './handlers.js';

/** Accounts on the PC: administration channels only (online); no local table, no migration. */
export const accountsClient: ClientDomain = {
  spec: accountsDomain,
  migrations: [],
  create: (ctx) => ({ handlers: createAccountsHandlers(ctx), collections: [] }),
};
